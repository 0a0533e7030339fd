ALTER TABLE "comments" ADD COLUMN "ip_key" text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX "comments_ip_key_created_idx" ON "comments" USING btree ("ip_key","created_at");--> statement-breakpoint
-- Comments from before count under their exact address (an IPv6 one is not
-- folded into its /64 here); flood windows are seconds to minutes, so only
-- the newest few are ever compared.
UPDATE "comments" SET "ip_key" = "ip";

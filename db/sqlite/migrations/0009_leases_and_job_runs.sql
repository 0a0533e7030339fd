-- Leases for the Akismet jobs (a runner claims a comment or a report before
-- its HTTP call), job runs that can be in progress (one at a time per job),
-- and replies that outlive their parent (decision 010).
ALTER TABLE `akismet_outbox` ADD `lease_owner` text;--> statement-breakpoint
ALTER TABLE `akismet_outbox` ADD `lease_until` integer;--> statement-breakpoint
ALTER TABLE `comments` ADD `check_lease_owner` text;--> statement-breakpoint
ALTER TABLE `comments` ADD `check_lease_until` integer;--> statement-breakpoint
ALTER TABLE `job_runs` ADD `actor_id` integer REFERENCES users(id) ON DELETE SET NULL;--> statement-breakpoint
ALTER TABLE `job_runs` ADD `heartbeat_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `job_runs_one_running_idx` ON `job_runs` (`job`) WHERE "job_runs"."finished_at" is null;--> statement-breakpoint
-- A safety net under lib/comments/removal.ts: whatever deletes a comment, its
-- replies move up to its parent first, so the parent_id cascade never takes
-- them. Written by hand: drizzle-kit does not model triggers.
CREATE TRIGGER `comments_keep_replies` BEFORE DELETE ON `comments` BEGIN
	UPDATE `comments` SET `parent_id` = old.parent_id WHERE `parent_id` = old.id;
END;

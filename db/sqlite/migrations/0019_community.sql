CREATE TABLE `comment_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`comment_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`reason` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	`closed_at` integer,
	`closed_by` integer,
	FOREIGN KEY (`comment_id`) REFERENCES `comments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`closed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "comment_reports_reason_check" CHECK("comment_reports"."reason" in ('offensive','abusive','spam','off_topic','other'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `comment_reports_comment_user_idx` ON `comment_reports` (`comment_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `comment_reports_user_created_idx` ON `comment_reports` (`user_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `commenter_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer,
	`email` text,
	`type` text NOT NULL,
	`actor_id` integer,
	`message` text DEFAULT '' NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "commenter_events_subject_check" CHECK("commenter_events"."user_id" is not null or "commenter_events"."email" is not null)
);
--> statement-breakpoint
CREATE INDEX `commenter_events_user_idx` ON `commenter_events` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `commenter_events_email_idx` ON `commenter_events` (`email`,`created_at`);--> statement-breakpoint
CREATE TABLE `commenter_notes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer,
	`email` text,
	`author_id` integer,
	`body` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`author_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null,
	CONSTRAINT "commenter_notes_subject_check" CHECK("commenter_notes"."user_id" is not null or "commenter_notes"."email" is not null)
);
--> statement-breakpoint
CREATE INDEX `commenter_notes_user_idx` ON `commenter_notes` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `commenter_notes_email_idx` ON `commenter_notes` (`email`,`created_at`);--> statement-breakpoint
CREATE TABLE `premoderated_addresses` (
	`email` text PRIMARY KEY NOT NULL,
	`actor_id` integer,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`actor_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
DROP INDEX `comments_email_created_idx`;--> statement-breakpoint
DROP INDEX `comments_user_created_idx`;--> statement-breakpoint
ALTER TABLE `comments` ADD `open_report_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `comments` ADD `featured_at` integer;--> statement-breakpoint
ALTER TABLE `comments` ADD `featured_by` integer REFERENCES users(id) ON DELETE set null;--> statement-breakpoint
CREATE INDEX `comments_reported_idx` ON `comments` ("open_report_count" desc,`id`) WHERE "comments"."status" = 'approved' and "comments"."open_report_count" > 0;--> statement-breakpoint
CREATE INDEX `comments_article_featured_idx` ON `comments` (`article_id`,`featured_at`) WHERE "comments"."featured_at" is not null;--> statement-breakpoint
CREATE INDEX `comments_email_created_idx` ON `comments` (`author_email`,`created_at`,`status`);--> statement-breakpoint
CREATE INDEX `comments_user_created_idx` ON `comments` (`user_id`,`created_at`,`status`);--> statement-breakpoint
ALTER TABLE `articles` ADD `comments_keep_open` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `articles` ADD `premoderate_all` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `articles` ADD `premoderate_links` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `articles` ADD `comments_message` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `suspended_until` integer;--> statement-breakpoint
ALTER TABLE `users` ADD `suspension_message` text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `premoderate` integer DEFAULT false NOT NULL;
--> statement-breakpoint
-- Reader reports (lib/community/reports.ts). Written by hand: drizzle-kit does
-- not model triggers. comments.open_report_count follows the open reports in
-- the same transaction, so the hold at `reportsToHold` is decided on an exact
-- count however many reports arrive at once. It writes no page change: a
-- report never changes what a page shows.
CREATE TRIGGER `comment_reports_insert` AFTER INSERT ON `comment_reports` WHEN new.closed_at IS NULL BEGIN
	UPDATE `comments` SET `open_report_count` = `open_report_count` + 1 WHERE `id` = new.comment_id;
END;
--> statement-breakpoint
CREATE TRIGGER `comment_reports_close` AFTER UPDATE OF `closed_at` ON `comment_reports`
WHEN (old.closed_at IS NULL) <> (new.closed_at IS NULL) BEGIN
	UPDATE `comments` SET `open_report_count` = max(0, `open_report_count` + CASE WHEN new.closed_at IS NULL THEN 1 ELSE -1 END)
		WHERE `id` = new.comment_id;
END;
--> statement-breakpoint
CREATE TRIGGER `comment_reports_delete` AFTER DELETE ON `comment_reports` WHEN old.closed_at IS NULL BEGIN
	UPDATE `comments` SET `open_report_count` = max(0, `open_report_count` - 1) WHERE `id` = old.comment_id;
END;
--> statement-breakpoint
-- Featuring a published comment changes its page (the Featured comments section
-- and its badge): featured_at joins the columns that log a page change.
DROP TRIGGER `page_changes_comment_update`;
--> statement-breakpoint
CREATE TRIGGER `page_changes_comment_update` AFTER UPDATE ON `comments`
WHEN (old.status = 'approved' OR new.status = 'approved')
	AND (old.status IS NOT new.status OR old.content IS NOT new.content OR old.author_name IS NOT new.author_name
		OR old.author_url IS NOT new.author_url OR old.author_email IS NOT new.author_email
		OR old.parent_id IS NOT new.parent_id OR old.article_id IS NOT new.article_id OR old.created_at IS NOT new.created_at
		OR old.featured_at IS NOT new.featured_at)
BEGIN
	INSERT INTO `page_changes` (`tag`)
		SELECT 'article:' || new.article_id UNION SELECT 'article:' || old.article_id UNION SELECT 'front';
END;
--> statement-breakpoint
-- A role change adds or takes away the Staff badge on the account's published comments.
CREATE TRIGGER `page_changes_user_role` AFTER UPDATE OF `role` ON `users` WHEN old.role IS NOT new.role BEGIN
	INSERT INTO `page_changes` (`tag`)
		SELECT DISTINCT 'article:' || `article_id` FROM `comments` WHERE `user_id` = new.id AND `status` = 'approved';
END;

DROP INDEX `comments_status_created_idx`;--> statement-breakpoint
CREATE INDEX `comments_status_created_idx` ON `comments` (`status`,`created_at`,`id`,`status_reason`);
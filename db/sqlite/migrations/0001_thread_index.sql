DROP INDEX `comments_article_status_created_idx`;--> statement-breakpoint
CREATE INDEX `comments_article_status_parent_created_idx` ON `comments` (`article_id`,`status`,`parent_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `comments_user_created_idx` ON `comments` (`user_id`,`created_at`);
CREATE TABLE `comment_respects` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`comment_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL,
	FOREIGN KEY (`comment_id`) REFERENCES `comments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `comment_respects_comment_user_idx` ON `comment_respects` (`comment_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `comment_respects_user_comment_idx` ON `comment_respects` (`user_id`,`comment_id`);--> statement-breakpoint
ALTER TABLE `comments` ADD `respect_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `comments_article_respect_top_idx` ON `comments` (`article_id`,"respect_count" desc,`created_at`,`id`) WHERE "comments"."status" = 'approved' and "comments"."parent_id" is null;
--> statement-breakpoint
-- Respect (lib/comments/respect.ts). Written by hand: drizzle-kit does not model
-- triggers. The count is kept here, in the same transaction as the row, so it is
-- exact however many presses arrive at once. A change to a published comment's
-- count logs `respects:<article>`: the page cache expires those lazily (at most
-- once every RESPECT_EXPIRY_MS per article, lib/cache/invalidation.ts), never on
-- every click.
CREATE TRIGGER `comment_respects_insert` AFTER INSERT ON `comment_respects` BEGIN
	UPDATE `comments` SET `respect_count` = `respect_count` + 1 WHERE `id` = new.comment_id;
	INSERT INTO `page_changes` (`tag`) SELECT 'respects:' || `article_id` FROM `comments` WHERE `id` = new.comment_id AND `status` = 'approved';
END;
--> statement-breakpoint
CREATE TRIGGER `comment_respects_delete` AFTER DELETE ON `comment_respects` BEGIN
	UPDATE `comments` SET `respect_count` = max(0, `respect_count` - 1) WHERE `id` = old.comment_id;
	INSERT INTO `page_changes` (`tag`) SELECT 'respects:' || `article_id` FROM `comments` WHERE `id` = old.comment_id AND `status` = 'approved';
END;

CREATE TABLE `page_changes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`tag` text NOT NULL,
	`created_at` integer DEFAULT (cast(unixepoch('subsecond') * 1000 as integer)) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `page_changes_created_idx` ON `page_changes` (`created_at`);--> statement-breakpoint
-- The page cache's change log (docs/decisions/013): whatever changes what a
-- reader sees writes the tags of the pages to expire, in the same
-- transaction. Written by hand: drizzle-kit does not model triggers. Tags
-- match lib/cache/pages.ts (CACHE_TAGS).
CREATE TRIGGER `page_changes_comment_insert` AFTER INSERT ON `comments`
WHEN new.status = 'approved' BEGIN
	INSERT INTO `page_changes` (`tag`) VALUES ('article:' || new.article_id), ('front');
END;
--> statement-breakpoint
CREATE TRIGGER `page_changes_comment_update` AFTER UPDATE ON `comments`
WHEN (old.status = 'approved' OR new.status = 'approved')
	AND (old.status IS NOT new.status OR old.content IS NOT new.content OR old.author_name IS NOT new.author_name
		OR old.author_url IS NOT new.author_url OR old.author_email IS NOT new.author_email
		OR old.parent_id IS NOT new.parent_id OR old.article_id IS NOT new.article_id OR old.created_at IS NOT new.created_at)
BEGIN
	INSERT INTO `page_changes` (`tag`)
		SELECT 'article:' || new.article_id UNION SELECT 'article:' || old.article_id UNION SELECT 'front';
END;
--> statement-breakpoint
CREATE TRIGGER `page_changes_comment_delete` AFTER DELETE ON `comments`
WHEN old.status = 'approved' BEGIN
	INSERT INTO `page_changes` (`tag`) VALUES ('article:' || old.article_id), ('front');
END;
--> statement-breakpoint
CREATE TRIGGER `page_changes_article_insert` AFTER INSERT ON `articles`
WHEN new.status = 'published' BEGIN
	INSERT INTO `page_changes` (`tag`) VALUES ('article:' || new.id), ('slug:' || new.slug), ('front');
END;
--> statement-breakpoint
CREATE TRIGGER `page_changes_article_update` AFTER UPDATE ON `articles`
WHEN old.status = 'published' OR new.status = 'published' BEGIN
	INSERT INTO `page_changes` (`tag`)
		SELECT 'article:' || new.id UNION SELECT 'slug:' || old.slug UNION SELECT 'slug:' || new.slug UNION SELECT 'front';
END;
--> statement-breakpoint
CREATE TRIGGER `page_changes_article_delete` AFTER DELETE ON `articles`
WHEN old.status = 'published' BEGIN
	INSERT INTO `page_changes` (`tag`) VALUES ('article:' || old.id), ('slug:' || old.slug), ('front');
END;
--> statement-breakpoint
CREATE TRIGGER `page_changes_old_slug_insert` AFTER INSERT ON `article_slugs` BEGIN
	INSERT INTO `page_changes` (`tag`) VALUES ('slug:' || new.slug);
END;
--> statement-breakpoint
CREATE TRIGGER `page_changes_old_slug_delete` AFTER DELETE ON `article_slugs` BEGIN
	INSERT INTO `page_changes` (`tag`) VALUES ('slug:' || old.slug);
END;
--> statement-breakpoint
CREATE TRIGGER `page_changes_review_insert` AFTER INSERT ON `editor_reviews`
WHEN new.status = 'published' BEGIN
	INSERT INTO `page_changes` (`tag`) VALUES ('article:' || new.article_id);
END;
--> statement-breakpoint
CREATE TRIGGER `page_changes_review_update` AFTER UPDATE ON `editor_reviews`
WHEN old.status = 'published' OR new.status = 'published' BEGIN
	INSERT INTO `page_changes` (`tag`) SELECT 'article:' || new.article_id UNION SELECT 'article:' || old.article_id;
END;
--> statement-breakpoint
CREATE TRIGGER `page_changes_review_delete` AFTER DELETE ON `editor_reviews`
WHEN old.status = 'published' BEGIN
	INSERT INTO `page_changes` (`tag`) VALUES ('article:' || old.article_id);
END;
--> statement-breakpoint
-- Settings shape pages (comments per page, thread depth, closing); the
-- Akismet status record (lib/spam/status.ts) changes with every check and does not.
CREATE TRIGGER `page_changes_settings_insert` AFTER INSERT ON `settings`
WHEN new.key <> 'akismet.status' BEGIN
	INSERT INTO `page_changes` (`tag`) VALUES ('site');
END;
--> statement-breakpoint
CREATE TRIGGER `page_changes_settings_update` AFTER UPDATE ON `settings`
WHEN new.key <> 'akismet.status' AND old.value IS NOT new.value BEGIN
	INSERT INTO `page_changes` (`tag`) VALUES ('site');
END;
--> statement-breakpoint
CREATE TRIGGER `page_changes_user_rename` AFTER UPDATE OF `name` ON `users`
WHEN old.name IS NOT new.name BEGIN
	INSERT INTO `page_changes` (`tag`) VALUES ('site');
END;
--> statement-breakpoint
CREATE TRIGGER `page_changes_user_delete` AFTER DELETE ON `users` BEGIN
	INSERT INTO `page_changes` (`tag`) VALUES ('site');
END;

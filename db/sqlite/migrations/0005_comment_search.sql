-- Full-text index for the moderation search: comment text, author name and
-- email, as trigrams (substring matches of 3+ characters, case-insensitive).
-- An external-content FTS5 table kept in step with `comments` by triggers.
-- Written by hand: drizzle-kit does not model virtual tables.
CREATE VIRTUAL TABLE `comments_search` USING fts5(
	content, author_name, author_email,
	content='comments', content_rowid='id', tokenize='trigram'
);
--> statement-breakpoint
INSERT INTO `comments_search`(`comments_search`) VALUES ('rebuild');
--> statement-breakpoint
CREATE TRIGGER `comments_search_ai` AFTER INSERT ON `comments` BEGIN
	INSERT INTO `comments_search`(rowid, content, author_name, author_email)
	VALUES (new.id, new.content, new.author_name, new.author_email);
END;
--> statement-breakpoint
CREATE TRIGGER `comments_search_ad` AFTER DELETE ON `comments` BEGIN
	INSERT INTO `comments_search`(`comments_search`, rowid, content, author_name, author_email)
	VALUES ('delete', old.id, old.content, old.author_name, old.author_email);
END;
--> statement-breakpoint
CREATE TRIGGER `comments_search_au` AFTER UPDATE OF content, author_name, author_email ON `comments` BEGIN
	INSERT INTO `comments_search`(`comments_search`, rowid, content, author_name, author_email)
	VALUES ('delete', old.id, old.content, old.author_name, old.author_email);
	INSERT INTO `comments_search`(rowid, content, author_name, author_email)
	VALUES (new.id, new.content, new.author_name, new.author_email);
END;

-- The triggers of SQLite migrations 0009 and 0011, for PostgreSQL. Written by
-- hand: drizzle-kit does not model triggers.

-- Deleting a comment never takes its replies with it: they move up to its
-- parent first (decision 010; lib/comments/removal.ts does it, one comment
-- at a time, and this is the safety net). Not when the delete comes from
-- another table's cascade (an article's whole thread goes with it): moving
-- rows the same statement deletes is an error on PostgreSQL. For the same
-- reason, one DELETE naming a comment and its reply together fails here
-- instead of losing the reply; delete them one at a time.
CREATE FUNCTION comments_keep_replies() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF pg_trigger_depth() = 1 THEN
		UPDATE comments SET parent_id = OLD.parent_id WHERE parent_id = OLD.id;
	END IF;
	RETURN OLD;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER comments_keep_replies BEFORE DELETE ON comments
	FOR EACH ROW EXECUTE FUNCTION comments_keep_replies();
--> statement-breakpoint
-- The page cache's change log (docs/decisions/013): whatever changes what a
-- reader sees writes the tags of the pages to expire, in the same
-- transaction. Tags match lib/cache/pages.ts (CACHE_TAGS).
CREATE FUNCTION page_changes_log(VARIADIC tags text[]) RETURNS void LANGUAGE sql AS $$
	INSERT INTO page_changes (tag) SELECT DISTINCT t FROM unnest(tags) AS t WHERE t IS NOT NULL;
$$;
--> statement-breakpoint
CREATE FUNCTION page_changes_comments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NEW.status = 'approved' THEN
			PERFORM page_changes_log('article:' || NEW.article_id, 'front');
		END IF;
		RETURN NULL;
	ELSIF TG_OP = 'DELETE' THEN
		IF OLD.status = 'approved' THEN
			PERFORM page_changes_log('article:' || OLD.article_id, 'front');
		END IF;
		RETURN NULL;
	END IF;
	IF (OLD.status = 'approved' OR NEW.status = 'approved')
		AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.content IS DISTINCT FROM NEW.content
			OR OLD.author_name IS DISTINCT FROM NEW.author_name OR OLD.author_url IS DISTINCT FROM NEW.author_url
			OR OLD.author_email IS DISTINCT FROM NEW.author_email OR OLD.parent_id IS DISTINCT FROM NEW.parent_id
			OR OLD.article_id IS DISTINCT FROM NEW.article_id OR OLD.created_at IS DISTINCT FROM NEW.created_at) THEN
		PERFORM page_changes_log('article:' || NEW.article_id, 'article:' || OLD.article_id, 'front');
	END IF;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER page_changes_comments AFTER INSERT OR UPDATE OR DELETE ON comments
	FOR EACH ROW EXECUTE FUNCTION page_changes_comments();
--> statement-breakpoint
CREATE FUNCTION page_changes_articles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NEW.status = 'published' THEN
			PERFORM page_changes_log('article:' || NEW.id, 'slug:' || NEW.slug, 'front');
		END IF;
	ELSIF TG_OP = 'DELETE' THEN
		IF OLD.status = 'published' THEN
			PERFORM page_changes_log('article:' || OLD.id, 'slug:' || OLD.slug, 'front');
		END IF;
	ELSIF OLD.status = 'published' OR NEW.status = 'published' THEN
		PERFORM page_changes_log('article:' || NEW.id, 'slug:' || OLD.slug, 'slug:' || NEW.slug, 'front');
	END IF;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER page_changes_articles AFTER INSERT OR UPDATE OR DELETE ON articles
	FOR EACH ROW EXECUTE FUNCTION page_changes_articles();
--> statement-breakpoint
CREATE FUNCTION page_changes_article_slugs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM page_changes_log('slug:' || NEW.slug);
	ELSE
		PERFORM page_changes_log('slug:' || OLD.slug);
	END IF;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER page_changes_article_slugs AFTER INSERT OR DELETE ON article_slugs
	FOR EACH ROW EXECUTE FUNCTION page_changes_article_slugs();
--> statement-breakpoint
CREATE FUNCTION page_changes_editor_reviews() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NEW.status = 'published' THEN
			PERFORM page_changes_log('article:' || NEW.article_id);
		END IF;
	ELSIF TG_OP = 'DELETE' THEN
		IF OLD.status = 'published' THEN
			PERFORM page_changes_log('article:' || OLD.article_id);
		END IF;
	ELSIF OLD.status = 'published' OR NEW.status = 'published' THEN
		PERFORM page_changes_log('article:' || NEW.article_id, 'article:' || OLD.article_id);
	END IF;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER page_changes_editor_reviews AFTER INSERT OR UPDATE OR DELETE ON editor_reviews
	FOR EACH ROW EXECUTE FUNCTION page_changes_editor_reviews();
--> statement-breakpoint
-- Settings shape pages (comments per page, thread depth, closing); the
-- Akismet status record (lib/spam/status.ts) changes with every check and does not.
CREATE FUNCTION page_changes_settings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.key <> 'akismet.status' AND (TG_OP = 'INSERT' OR OLD.value IS DISTINCT FROM NEW.value) THEN
		PERFORM page_changes_log('site');
	END IF;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER page_changes_settings AFTER INSERT OR UPDATE ON settings
	FOR EACH ROW EXECUTE FUNCTION page_changes_settings();
--> statement-breakpoint
CREATE FUNCTION page_changes_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'DELETE' OR OLD.name IS DISTINCT FROM NEW.name THEN
		PERFORM page_changes_log('site');
	END IF;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER page_changes_users AFTER UPDATE OF name OR DELETE ON users
	FOR EACH ROW EXECUTE FUNCTION page_changes_users();
--> statement-breakpoint
-- Every instance keeps the settings in memory: a change is announced to all
-- of them (lib/db/listener.ts), which read the settings again.
CREATE FUNCTION settings_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	changed text := CASE WHEN TG_OP = 'DELETE' THEN OLD.key ELSE NEW.key END;
BEGIN
	IF changed <> 'akismet.status' THEN
		PERFORM pg_notify('newsroom_settings', changed);
	END IF;
	RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER settings_notify AFTER INSERT OR UPDATE OR DELETE ON settings
	FOR EACH ROW EXECUTE FUNCTION settings_notify();

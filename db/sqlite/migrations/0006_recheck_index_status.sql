DROP INDEX `comments_recheck_idx`;--> statement-breakpoint
CREATE INDEX `comments_recheck_idx` ON `comments` (`next_spam_check_at`,`status`) WHERE "comments"."spam_check_state" = 'not_checked';
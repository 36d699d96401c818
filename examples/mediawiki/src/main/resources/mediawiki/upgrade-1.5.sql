-- Paraverse's MediaWiki 1.4 -> 1.5 upgrade, written for this example from the facts of the 1.5 restructuring:
--   page_id = cur_id; every cur row becomes a new revision whose id is fresh, above max(old_id), and is the page's
--   page_latest; rev_id = old_id and rev_text_id = rev_id for every old row; rev_page is found by namespace + title;
--   page_len = LENGTH(cur_text); old is renamed text keeping old_id, old_text, old_flags; cur is dropped.
-- Plain statements separated by ';' (no DELIMITER), run one by one on one connection in the wiki's database
-- (UpgradeScript.run does that). Session variables carry values between statements.

CREATE TABLE page (
  page_id           INT UNSIGNED NOT NULL AUTO_INCREMENT,
  page_namespace    INT NOT NULL,
  page_title        VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
  page_restrictions TINYBLOB NOT NULL,
  page_counter      BIGINT NOT NULL DEFAULT 0,
  page_is_redirect  TINYINT NOT NULL DEFAULT 0,
  page_is_new       TINYINT NOT NULL DEFAULT 0,
  page_random       DOUBLE NOT NULL,
  page_touched      CHAR(14) CHARACTER SET ascii NOT NULL DEFAULT '',
  page_latest       INT UNSIGNED NOT NULL,
  page_len          INT UNSIGNED NOT NULL,
  PRIMARY KEY (page_id),
  UNIQUE KEY name_title (page_namespace, page_title),
  KEY page_random (page_random),
  KEY page_len (page_len)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE revision (
  rev_id            INT UNSIGNED NOT NULL AUTO_INCREMENT,
  rev_page          INT UNSIGNED NOT NULL,
  rev_text_id       INT UNSIGNED NOT NULL,
  rev_comment       TINYBLOB NOT NULL,
  rev_user          INT UNSIGNED NOT NULL DEFAULT 0,
  rev_user_text     VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  rev_timestamp     CHAR(14) CHARACTER SET ascii NOT NULL DEFAULT '',
  rev_minor_edit    TINYINT NOT NULL DEFAULT 0,
  rev_deleted       TINYINT NOT NULL DEFAULT 0,
  PRIMARY KEY (rev_id),
  KEY rev_page_timestamp (rev_page, rev_timestamp),
  KEY rev_timestamp (rev_timestamp),
  KEY user_timestamp (rev_user, rev_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Every earlier version: rev_id = rev_text_id = old_id, the page found by namespace + title.
INSERT INTO revision (rev_id, rev_page, rev_text_id, rev_comment, rev_user, rev_user_text, rev_timestamp,
                      rev_minor_edit, rev_deleted)
SELECT o.old_id, c.cur_id, o.old_id, o.old_comment, o.old_user, o.old_user_text, o.old_timestamp,
       o.old_minor_edit, 0
  FROM old o JOIN cur c ON c.cur_namespace = o.old_namespace AND c.cur_title = o.old_title;

-- The current versions get fresh ids above every old_id, in cur_id order.
SET @paraverse_mw_base = (SELECT COALESCE(MAX(old_id), 0) FROM old);

CREATE TABLE upgrade15_cur_rev (
  cur_id INT UNSIGNED NOT NULL PRIMARY KEY,
  rev_id INT UNSIGNED NOT NULL
) ENGINE=InnoDB;

INSERT INTO upgrade15_cur_rev (cur_id, rev_id)
SELECT cur_id, @paraverse_mw_base + ROW_NUMBER() OVER (ORDER BY cur_id) FROM cur;

-- Copy each current version into old (soon text) under its new id ...
INSERT INTO old (old_id, old_namespace, old_title, old_text, old_comment, old_user, old_user_text, old_timestamp,
                 old_minor_edit, old_flags, inverse_timestamp)
SELECT r.rev_id, c.cur_namespace, c.cur_title, c.cur_text, c.cur_comment, c.cur_user, c.cur_user_text,
       c.cur_timestamp, c.cur_minor_edit, '', c.inverse_timestamp
  FROM cur c JOIN upgrade15_cur_rev r ON r.cur_id = c.cur_id;

-- ... make it a revision of its page ...
INSERT INTO revision (rev_id, rev_page, rev_text_id, rev_comment, rev_user, rev_user_text, rev_timestamp,
                      rev_minor_edit, rev_deleted)
SELECT r.rev_id, c.cur_id, r.rev_id, c.cur_comment, c.cur_user, c.cur_user_text, c.cur_timestamp,
       c.cur_minor_edit, 0
  FROM cur c JOIN upgrade15_cur_rev r ON r.cur_id = c.cur_id;

-- ... and the page's latest revision.
INSERT INTO page (page_id, page_namespace, page_title, page_restrictions, page_counter, page_is_redirect,
                  page_is_new, page_random, page_touched, page_latest, page_len)
SELECT c.cur_id, c.cur_namespace, c.cur_title, c.cur_restrictions, c.cur_counter, c.cur_is_redirect,
       c.cur_is_new, c.cur_random, c.cur_touched, r.rev_id, LENGTH(c.cur_text)
  FROM cur c JOIN upgrade15_cur_rev r ON r.cur_id = c.cur_id;

DROP TABLE upgrade15_cur_rev;

DROP TABLE cur;

-- old becomes text: only the id, the text and its flags stay.
RENAME TABLE old TO text;

ALTER TABLE text
  DROP INDEX old_timestamp,
  DROP INDEX name_title_timestamp,
  DROP COLUMN old_namespace,
  DROP COLUMN old_title,
  DROP COLUMN old_comment,
  DROP COLUMN old_user,
  DROP COLUMN old_user_text,
  DROP COLUMN old_timestamp,
  DROP COLUMN old_minor_edit,
  DROP COLUMN inverse_timestamp;

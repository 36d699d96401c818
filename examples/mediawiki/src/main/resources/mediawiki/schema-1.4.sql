-- Paraverse's minimal MediaWiki 1.4 schema: the two tables whose restructuring 1.5 is about.
-- Written for this example from the facts of the 1.4 layout (one row per page in `cur` holding the current text,
-- one row per earlier version in `old`, both keyed by namespace + title); not MediaWiki's own tables.sql.
-- Run in the database that is to hold the wiki (the caller creates it and USEs it).

CREATE TABLE cur (
  cur_id            INT UNSIGNED NOT NULL AUTO_INCREMENT,
  cur_namespace     TINYINT NOT NULL DEFAULT 0,
  cur_title         VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  cur_text          MEDIUMTEXT CHARACTER SET utf8mb4 NOT NULL,
  cur_comment       TINYBLOB NOT NULL,
  cur_user          INT UNSIGNED NOT NULL DEFAULT 0,
  cur_user_text     VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  cur_timestamp     CHAR(14) CHARACTER SET ascii NOT NULL DEFAULT '',
  cur_restrictions  TINYBLOB NOT NULL,
  cur_counter       BIGINT NOT NULL DEFAULT 0,
  cur_is_redirect   TINYINT NOT NULL DEFAULT 0,
  cur_minor_edit    TINYINT NOT NULL DEFAULT 0,
  cur_is_new        TINYINT NOT NULL DEFAULT 0,
  cur_random        DOUBLE NOT NULL DEFAULT 0,
  cur_touched       CHAR(14) CHARACTER SET ascii NOT NULL DEFAULT '',
  inverse_timestamp CHAR(14) CHARACTER SET ascii NOT NULL DEFAULT '',
  PRIMARY KEY (cur_id),
  UNIQUE KEY name_title (cur_namespace, cur_title),
  KEY cur_timestamp (cur_timestamp),
  KEY cur_random (cur_random),
  KEY name_title_timestamp (cur_namespace, cur_title, inverse_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE old (
  old_id            INT UNSIGNED NOT NULL AUTO_INCREMENT,
  old_namespace     TINYINT NOT NULL DEFAULT 0,
  old_title         VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  old_text          MEDIUMTEXT CHARACTER SET utf8mb4 NOT NULL,
  old_comment       TINYBLOB NOT NULL,
  old_user          INT UNSIGNED NOT NULL DEFAULT 0,
  old_user_text     VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
  old_timestamp     CHAR(14) CHARACTER SET ascii NOT NULL DEFAULT '',
  old_minor_edit    TINYINT NOT NULL DEFAULT 0,
  old_flags         TINYBLOB NOT NULL,
  inverse_timestamp CHAR(14) CHARACTER SET ascii NOT NULL DEFAULT '',
  PRIMARY KEY (old_id),
  KEY old_timestamp (old_timestamp),
  KEY name_title_timestamp (old_namespace, old_title, inverse_timestamp)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

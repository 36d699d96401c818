-- An application upgrade in the style of a mysqldump/installer script: executable comments, a procedure with
-- semicolons in its body, strings and comments, a trigger, and DELIMITER changes.
/*!40101 SET NAMES utf8mb4 */;
/*M!100100 SET @upgrade_started = 'yes; really' */;

CREATE TABLE account (
  id INT PRIMARY KEY,
  name VARCHAR(50) NOT NULL,   -- a comment; with a semicolon
  name_upper VARCHAR(50)       # and a hash comment; too
);
CREATE TABLE audit (id INT AUTO_INCREMENT PRIMARY KEY, note VARCHAR(100));

DELIMITER $$
CREATE TRIGGER account_upper BEFORE INSERT ON account FOR EACH ROW
BEGIN
  SET NEW.name_upper = UPPER(NEW.name); -- runs per row; keeps names upper
END$$

CREATE PROCEDURE seed(IN n INT)
BEGIN
  DECLARE i INT DEFAULT 1;
  /* insert n accounts; each fires the trigger */
  WHILE i <= n DO
    INSERT INTO account (id, name) VALUES (i, CONCAT('user;', i));
    SET i = i + 1;
  END WHILE;
  INSERT INTO audit (note) VALUES ('seeded; it''s done \'ok\'');
END $$
DELIMITER ;

CALL seed(5);
INSERT INTO audit (note) VALUES (@upgrade_started);

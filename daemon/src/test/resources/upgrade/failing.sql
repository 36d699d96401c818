-- the third statement fails
CREATE TABLE before_failure (id INT);
INSERT INTO before_failure VALUES (1);

INSERT INTO
  no_such_table VALUES (1);
CREATE TABLE after_failure (id INT);

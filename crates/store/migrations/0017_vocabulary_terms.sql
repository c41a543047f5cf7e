-- The coalition's wording of the case vocabularies: a label per language (NULL: the shipped
-- wording) and whether new cases may still take the value. Keys are the domain's, stable.
CREATE TABLE vocabulary_terms (
    vocabulary  TEXT NOT NULL,
    key         TEXT NOT NULL,
    label_fr    TEXT,
    label_en    TEXT,
    retired     BIGINT NOT NULL,
    updated_by  TEXT NOT NULL REFERENCES users (id),
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (vocabulary, key)
);

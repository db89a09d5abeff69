/*
 * schema.h: how a sou document is laid out in Xapian, shared by the indexer
 * (which writes it) and searchd (which reads it).
 *
 *   Q<id>        unique id term (boolean)                 e.g. Q000_ac1cf03b7f701441
 *   S<term>      title terms, with positions              e.g. S参保
 *   <term>       body terms: CJK bigrams with positions, CJK unigrams, words
 *   value 0      date, "YYYYMMDDhhmmss" (digits only, sortable, missing parts 0)
 *   value 10     the same date with every digit d written as 9 - d, so that sorting
 *                it in descending order gives the oldest first and still puts the
 *                undated documents (no value) last, as the newest-first sort on
 *                value 0 does.  (A KeyMaker with a default value would do it at
 *                query time, but Xapian 1.4's remote backend cannot run one.)
 *   values 11-   facets: the fields given to indexer --facet, in the order the
 *                database metadata records them (reserved for issue 11)
 *   data         compact JSON object: {"id","title","body", "date"?, "url"?, and
 *                every other string field of the input}; "body" is the text the
 *                highlighter re-tokenises to build passages.
 */
#ifndef SOU_SCHEMA_H
#define SOU_SCHEMA_H

#define SOU_PREFIX_ID "Q"
#define SOU_PREFIX_TITLE "S"
#define SOU_VALUE_DATE 0u
#define SOU_VALUE_DATE_ASC 10u

#endif /* SOU_SCHEMA_H */

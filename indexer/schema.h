/*
 * schema.h: how a sou document is laid out in Xapian, shared by the indexer
 * (which writes it) and searchd (which reads it).
 *
 *   Q<id>        unique id term (boolean)                 e.g. Q000_ac1cf03b7f701441
 *   S<term>      title terms, with positions              e.g. S参保
 *   <term>       body terms: CJK bigrams with positions, CJK unigrams, words
 *   value 0      date, "YYYYMMDDhhmmss" (digits only, sortable, missing parts 0)
 *   data         compact JSON object: {"id","title","body", "date"?, "url"?, and
 *                every other string field of the input}; "body" is the text the
 *                highlighter re-tokenises to build passages.
 */
#ifndef SOU_SCHEMA_H
#define SOU_SCHEMA_H

#define SOU_PREFIX_ID "Q"
#define SOU_PREFIX_TITLE "S"
#define SOU_VALUE_DATE 0u

#endif /* SOU_SCHEMA_H */

/*
 * schema.h: how a sou document is laid out in Xapian, shared by the indexer
 * (which writes it) and searchd (which reads it).
 *
 * An article is one or more passages (passage.h), each a Xapian document:
 *
 *   Q<id>        the article's id (boolean), on every passage: replacing or
 *                deleting by it reaches all of them   e.g. Q000_ac1cf03b7f701441
 *   K            (boolean) on the first passage only: one per article, so its
 *                term frequency counts articles
 *   S<term>      title terms, with positions, on every passage, each counted once
 *                (wdf 1: a title is a name; a repeated word's positions stay)  e.g. S参保
 *   XW<word>, XP<phrase> (boolean) the title's words and phrases, on the first
 *                passage only: the examples and the suggestions (title_terms.h)
 *   XF<field>:<value> (boolean) facet filters (fields.h)
 *   XS           (boolean) on the first passage of a place's own regulation:
 *                its title starts with a division (places.h) and 省/市/经济特区...,
 *                or another place and 县/区, and ends as a regulation does
 *                (条例, 办法, 规定 ...): 上海市生活垃圾管理条例, place 上海 (a
 *                field of value 3).  An index with some ranks by place.
 *   <term>       the passage's body terms: CJK bigrams with positions, CJK
 *                unigrams, words; and the title's distinct terms, without positions,
 *                with wdf SOU_TITLE_BODY_WDF (the title weighted into the body, BM25F-style)
 *   value 0      date, "YYYYMMDDhhmmss" (digits only, sortable, missing parts 0)
 *   value 1      the article id, on the passages of an article that has several:
 *                the collapse key that folds passages back into one hit per
 *                article (an article of one passage has none: Xapian's collapsing
 *                then skips it, most of its cost on news stories)
 *   value 2      the passage's offset in the article body, in characters, as 10
 *                decimal digits (sorts the passages back into order)
 *   value 3      what ranking and grouping read of every candidate hit, in one
 *                value (each value read is a B-tree lookup, about 2.5 block
 *                reads): the near-copy signature of the title and the passage
 *                (nearcopy.h: SOU_NC_BYTES bytes; near-copies are shown as one),
 *                a byte 0xFF and the whole article's signature
 *                (SOU_NC_ARTICLE_BYTES; absent before 2026-12: the title follows
 *                the signature), then the title as in the data (the first hits are reordered by
 *                how much of it the question covers; an index without it: the
 *                data is read), then fields (nearcopy.h: the date, the place
 *                of a place's own regulation, the titles of the laws this one
 *                replaces, replaces.h)
 *   value 10     the same date with every digit d written as 9 - d, so that sorting
 *                it in descending order gives the oldest first and still puts the
 *                undated documents (no value) last, as the newest-first sort on
 *                value 0 does.  (A KeyMaker with a default value would do it at
 *                query time, but Xapian 1.4's remote backend cannot run one.)
 *   values 11-   facets: the fields given to indexer --facet, in the order the
 *                database metadata records them (reserved for issue 11)
 *   data         compact JSON object: {"id","title","body", "date"?, "url"?, and
 *                every other string field of the input}, with "body" the
 *                passage's text; the passages' bodies in order are the article
 *                body byte for byte.
 */
#ifndef SOU_SCHEMA_H
#define SOU_SCHEMA_H

#define SOU_PREFIX_ID "Q"
#define SOU_PREFIX_TITLE "S"
#define SOU_TERM_ARTICLE "K"
#define SOU_PREFIX_SCOPE "XS"
/* Every term prefix is defined here, so that two can never collide (title
 * phrases were XS too, beside the scope terms, until 2026-12-01). */
#define SOU_PREFIX_TITLE_WORD "XW"   /* XW<word>: the title's words (title_terms.h) */
#define SOU_PREFIX_TITLE_PHRASE "XP" /* XP<phrase>: the title's phrases, for suggestions */
#define SOU_TITLE_PHRASE_CHARS 24u   /* longest XP phrase, characters */
#define SOU_TITLE_BODY_TOKENS 16u /* ... in a title of up to this many distinct tokens; less in longer ones */
#define SOU_TITLE_TERMS_MAX 256u  /* distinct title terms weighted into the body at most */
#define SOU_TITLE_BODY_WDF 3u /* 3 and 6 ranked the same on gd and laws; 0 ranked gd 0.05 lower */
#define SOU_VALUE_DATE 0u
#define SOU_VALUE_ARTICLE 1u
#define SOU_VALUE_OFFSET 2u
#define SOU_VALUE_CANDIDATE 3u
#define SOU_VALUE_DATE_ASC 10u

/* Where a sharded index (a stub) keeps its synonym table: a database of its
 * own beside the stub (DIR/synonyms for a stub directory, FILE.synonyms for
 * a stub file), because Xapian 1.4's remote backend has no synonym table.
 * One database keeps its table itself.  Writes the path into out (cap
 * bytes); returns its length, or 0 when it does not fit. */
#include <stdio.h>
#include <sys/stat.h>
static inline size_t sou_schema_synonyms_path(const char *stub, char *out, size_t cap)
{
    struct stat st;
    int dir = stat(stub, &st) == 0 && S_ISDIR(st.st_mode);
    int n = snprintf(out, cap, dir ? "%s/synonyms" : "%s.synonyms", stub);
    return n > 0 && (size_t)n < cap ? (size_t)n : 0;
}

#endif /* SOU_SCHEMA_H */

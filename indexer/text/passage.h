/*
 * passage.h: cutting a long body into passages, the units sou ranks.
 *
 * A law of 90,000 characters matches almost any question somewhere; ranked
 * as one document it wins questions it merely touches, and its snippet must
 * be searched for in the whole text.  So a long body is indexed as several
 * passages (one Xapian document each, schema.h), and a search ranks an
 * article by its best passage.
 *
 * Where the cuts go, in order of preference:
 *   - natural units: in a law (a body with lines starting 第…条) every article
 *     starts a unit, and so does every heading (第…编/章/节, which then stays
 *     with the article after it); elsewhere every line (paragraph) is a unit;
 *   - units are packed in order into passages of about SOU_PASSAGE_TARGET
 *     characters; a passage is never cut inside a unit that fits;
 *   - a unit longer than SOU_PASSAGE_MAX characters is cut after a sentence end
 *     (。！？；!?;), or at SOU_PASSAGE_MAX characters when it has none.
 * A body of at most SOU_PASSAGE_MAX characters is one passage.  The passages
 * partition the body exactly: concatenated in order they give it back byte
 * for byte (the document view rebuilds the body that way).
 */
#ifndef SOU_PASSAGE_H
#define SOU_PASSAGE_H

#include <stddef.h>

/* Sizes, measured (docs/ranking.md): 400/800 characters doubled a laws
 * index (3,475 laws -> 61,336 passages; +99%) and 1,000/2,000 made it +57%
 * (+1% on news stories, which mostly stay whole), ranking the same; larger
 * passages (1,500/3,000, 2,000/4,000, or at most 4 or 8 to a law) ranked
 * laws 0.05-0.10 lower at success@1 for an index still +33% to +50%. */
#define SOU_PASSAGE_TARGET 1000u /* characters a passage is packed up to */
#define SOU_PASSAGE_MAX 2000u    /* longest passage, and longest body kept whole */

typedef struct {
    size_t start, end; /* byte range [start, end) of the body */
    size_t char_start; /* characters before start (the passage's offset in the body) */
} sou_passage;

typedef struct {
    sou_passage *v;
    size_t n, cap;
} sou_passages;

/* Cut body[0..len) (UTF-8; malformed bytes count as one character each) into
 * passages, replacing what out held.  out is caller-owned (zero it first;
 * release with sou_passages_destroy).  An empty body gives one empty passage.
 * Returns 0, or -1 when out of memory. */
int sou_passages_split(const char *body, size_t len, sou_passages *out);

void sou_passages_destroy(sou_passages *p);

#endif /* SOU_PASSAGE_H */

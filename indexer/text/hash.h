/*
 * hash.h: the hash of a byte string for sou's in-memory hash tables (the
 * lexicon, the term-frequency memo).  FNV-1a, 64 bits: simple and good
 * enough for short keys such as words and terms.  Not for anything stored
 * or routed (shard.h has its own, fixed for ever).
 */
#ifndef SOU_HASH_H
#define SOU_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t sou_hash_bytes(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

#endif /* SOU_HASH_H */

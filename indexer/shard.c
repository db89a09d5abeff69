/* shard.c: see shard.h. */
#include "shard.h"

uint32_t sou_id_hash(const char *id, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)id[i]) * 16777619u;
    return h;
}

unsigned sou_shard_of(const char *article_id, size_t len, unsigned nshards)
{
    return nshards <= 1 ? 0 : sou_id_hash(article_id, len) % nshards;
}

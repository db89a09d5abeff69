// xapian_bigram: the peer "plain bigram BM25, title x2", for bench/relevance: the index a
// search engineer builds first for Chinese (overlapping bigrams, BM25, the title counted
// twice) and nothing more.  It tokenises with sou's own tokenizer (indexer/text/tokenize.h),
// so it sees the same terms as sou (the same width, case and traditional -> simplified
// folding); what it lacks is all of sou's query logic and ranking (word segmentation,
// stopwords, synonyms, passages, phrases, field weights): the difference between its figures
// and sou's is what that logic is worth.  C++ because Xapian's API is (the benchmark peers
// are the only C++ outside shim/).
//
//   xapian_bigram index DB  < docs.jsonl     every token of the title (SOU_TOKENIZE_QUERY:
//                                             bigrams, one-character runs as unigrams, Latin
//                                             and digit words) with wdf 2 a occurrence, every
//                                             token of the body with wdf 1, all in one field
//                                             without positions (as if the title were written
//                                             twice); boolean Q<id>, id in the data.
//   xapian_bigram search DB < questions.tsv  the question's distinct tokens (the same
//                                             tokenizer) OR'ed, BM25 with k1 1.2 and b 0.75
//                                             (the parameters of Lucene, Elasticsearch and
//                                             SQLite FTS5) and no length floor; top 10.
// Input and output formats: peer_io.h.
#include <xapian.h>

#include <cstdio>
#include <cstring>
#include <set>
#include <string>

extern "C" {
#include "tokenize.h"
}
#include "peer_io.h"

// Xapian refuses terms over 245 bytes; a letter run that long is no word a question has.
static const size_t max_term = 240;

// Adds each token's term to the document with the wdf given in ctx.
struct add_ctx {
    Xapian::Document *doc;
    unsigned wdf;
};

static int add_token(const sou_token *t, void *ctx)
{
    add_ctx *a = static_cast<add_ctx *>(ctx);
    if (t->term_len <= max_term)
        a->doc->add_term(std::string(t->term, t->term_len), a->wdf);
    return 0;
}

static int collect_token(const sou_token *t, void *ctx)
{
    if (t->term_len <= max_term)
        static_cast<std::set<std::string> *>(ctx)->insert(std::string(t->term, t->term_len));
    return 0;
}

static int run_index(const char *dbdir)
{
    Xapian::WritableDatabase db(dbdir, Xapian::DB_CREATE_OR_OVERWRITE);
    peer_docs in;
    peer_docs_start(&in, stdin);
    while (const peer_doc *d = peer_docs_next(&in)) {
        Xapian::Document doc;
        add_ctx title = {&doc, 2}, body = {&doc, 1};
        sou_tokenize(d->title, d->title_len, 1, SOU_TOKENIZE_QUERY, add_token, &title, NULL);
        sou_tokenize(d->body, d->body_len, 1, SOU_TOKENIZE_QUERY, add_token, &body, NULL);
        std::string idterm = "Q" + std::string(d->id, d->id_len);
        doc.add_boolean_term(idterm);
        doc.set_data(std::string(d->id, d->id_len));
        db.replace_document(idterm, doc);
    }
    db.commit();
    db.close();
    return peer_docs_end(&in, "xapian_bigram");
}

static int run_search(const char *dbdir)
{
    Xapian::Database db(dbdir);
    Xapian::Enquire enq(db);
    enq.set_weighting_scheme(Xapian::BM25Weight(1.2, 0, 1, 0.75, 0));
    peer_questions qs;
    peer_questions_start(&qs, stdin);
    while (peer_questions_next(&qs)) {
        double t0 = peer_now();
        std::set<std::string> terms;
        sou_tokenize(qs.text, strlen(qs.text), 1, SOU_TOKENIZE_QUERY, collect_token, &terms, NULL);
        std::string ids;
        if (!terms.empty()) {
            enq.set_query(Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end()));
            Xapian::MSet ms = enq.get_mset(0, 10);
            for (Xapian::MSetIterator it = ms.begin(); it != ms.end(); ++it) {
                if (!ids.empty())
                    ids += ' ';
                ids += it.get_document().get_data();
            }
        }
        peer_answer(qs.qid, (peer_now() - t0) * 1e6, ids.data(), ids.size());
    }
    peer_questions_free(&qs);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "index") && strcmp(argv[1], "search"))) {
        fprintf(stderr, "usage: xapian_bigram index|search DB < input\n");
        return 2;
    }
    try {
        return strcmp(argv[1], "index") == 0 ? run_index(argv[2]) : run_search(argv[2]);
    } catch (const Xapian::Error &e) {
        fprintf(stderr, "xapian_bigram: %s: %s\n", argv[2], e.get_description().c_str());
    } catch (const std::exception &e) {
        fprintf(stderr, "xapian_bigram: %s: %s\n", argv[2], e.what());
    }
    return 1;
}

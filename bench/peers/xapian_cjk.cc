// xapian_cjk: the peer "stock Xapian", i.e. what a user of Xapian 1.4 gets from its own
// CJK mode, for bench/index and bench/relevance.  C++ because TermGenerator and
// QueryParser are C++ APIs (the benchmark peers are the only C++ outside shim/).
//
//   xapian_cjk index DB  < docs.jsonl      TermGenerator with FLAG_CJK_NGRAM, default
//                                           settings, following Xapian's own example: title
//                                           under prefix S and unprefixed, body unprefixed;
//                                           unique id term Q<id>, id in the data.
//   xapian_cjk search DB < questions.tsv   QueryParser with FLAG_DEFAULT | FLAG_CJK_NGRAM and
//                                           the stock default operator (OR); top 10 per question.
// Input and output formats: peer_io.h.
#include <xapian.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "peer_io.h"

static int run_index(const char *dbdir)
{
    Xapian::WritableDatabase db(dbdir, Xapian::DB_CREATE_OR_OVERWRITE);
    Xapian::TermGenerator tg;
    tg.set_flags(Xapian::TermGenerator::FLAG_CJK_NGRAM);
    peer_docs in;
    peer_docs_start(&in, stdin);
    while (const peer_doc *dp = peer_docs_next(&in)) {
        const peer_doc &d = *dp;
        Xapian::Document doc;
        tg.set_document(doc);
        tg.index_text(std::string(d.title, d.title_len), 1, "S");
        tg.index_text(std::string(d.title, d.title_len));
        tg.increase_termpos();
        tg.index_text(std::string(d.body, d.body_len));
        std::string idterm = "Q" + std::string(d.id, d.id_len);
        doc.add_boolean_term(idterm);
        doc.set_data(std::string(d.id, d.id_len));
        db.replace_document(idterm, doc);
    }
    db.commit();
    db.close();
    return peer_docs_end(&in, "xapian_cjk");
}

static int run_search(const char *dbdir)
{
    Xapian::Database db(dbdir);
    Xapian::Enquire enq(db);
    Xapian::QueryParser qp;
    qp.set_database(db);
    qp.add_prefix("title", "S");
    const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_CJK_NGRAM;
    peer_questions qs;
    peer_questions_start(&qs, stdin);
    while (peer_questions_next(&qs)) {
        const char *qid = qs.qid, *text = qs.text;
        double t0 = peer_now();
        std::string ids;
        try {
            Xapian::Query q = qp.parse_query(text, flags);
            enq.set_query(q);
            Xapian::MSet ms = enq.get_mset(0, 10);
            for (Xapian::MSetIterator it = ms.begin(); it != ms.end(); ++it) {
                if (!ids.empty())
                    ids += ' ';
                ids += it.get_document().get_data();
            }
        } catch (const Xapian::QueryParserError &e) {
            // A question the stock parser rejects is a question without an answer.
            fprintf(stderr, "xapian_cjk: %s: %s\n", qid, e.get_msg().c_str());
        }
        double us = (peer_now() - t0) * 1e6;
        peer_answer(qid, us, ids.data(), ids.size());
    }
    peer_questions_free(&qs);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "index") && strcmp(argv[1], "search"))) {
        fprintf(stderr, "usage: xapian_cjk index|search DB < input\n");
        return 2;
    }
    try {
        return strcmp(argv[1], "index") == 0 ? run_index(argv[2]) : run_search(argv[2]);
    } catch (const Xapian::Error &e) {
        fprintf(stderr, "xapian_cjk: %s: %s\n", argv[2], e.get_description().c_str());
    } catch (const std::exception &e) {
        fprintf(stderr, "xapian_cjk: %s: %s\n", argv[2], e.what());
    }
    return 1;
}

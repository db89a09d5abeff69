// lucene_cjk: the peer "Lucene++", what a user of Debian's liblucene++ (3.0.8) gets from its
// contrib CJKAnalyzer (overlapping bigrams), for bench/relevance and bench/query.
// C++ because Lucene++ is a C++ API (the benchmark peers are the only C++ outside shim/).
//
//   lucene_cjk index DB  < docs.jsonl      CJKAnalyzer, fields id (stored, not analysed),
//                                           title and body (analysed, not stored), FSDirectory,
//                                           no field-length cap, optimize() at the end.
//   lucene_cjk search DB < questions.tsv   MultiFieldQueryParser over title and body with
//                                           CJKAnalyzer and its default operator (OR), the
//                                           question escaped as QueryParser::escape does; top 10;
//                                           bigrams OR'ed as Lucene >= 3.1 does (see OrQueryParser).
//   lucene_cjk search-phrase DB < ...      the same with Lucene++ 3.0's own phrase behaviour.
//   lucene_cjk parse DB  < questions.tsv   prints each parsed query (to see what a question becomes).
// Input and output formats: peer_io.h.  Latency is per question, in-process, parse included.
#include "LuceneHeaders.h"
#include "CJKAnalyzer.h"
#include "MultiFieldQueryParser.h"
#include "TermAttribute.h"
#include "TokenStream.h"

#include <cstdio>
#include <cstring>
#include <string>

#include "peer_io.h"

using namespace Lucene;

static String wide(const char *s, size_t n)
{
    return StringUtils::toUnicode(std::string(s, n));
}

// QueryParser::escape is protected in Lucene++ 3.0.8: the same rule, a backslash before each
// character the query syntax treats as special.
static String escape_query(const String &s)
{
    static const wchar_t special[] = L"\\+-!():^[]\"{}~*?|&";
    String out;
    for (wchar_t c : s) {
        if (wcschr(special, c))
            out += L'\\';
        out += c;
    }
    return out;
}

// Lucene++ is a port of Lucene 3.0, whose QueryParser turns a run of text that the analyzer
// cuts into several tokens into a PhraseQuery: a CJK question becomes the phrase of all its
// bigrams and finds nothing.  Lucene 3.1 added autoGeneratePhraseQueries, false by default,
// which ORs those tokens instead; Elasticsearch and Solr's CJK setups behave that way.  This
// parser is MultiFieldQueryParser with that one Lucene >= 3.1 default: unquoted text becomes
// SHOULD clauses of its tokens (coord on), quoted text stays a phrase.  "search-phrase" keeps
// Lucene++'s own behaviour for comparison.
class OrQueryParser : public MultiFieldQueryParser {
public:
    OrQueryParser(Collection<String> fields, const AnalyzerPtr &a)
        : MultiFieldQueryParser(LuceneVersion::LUCENE_CURRENT, fields, a), fields_(fields),
          analyzer_(a)
    {
    }

protected:
    QueryPtr getFieldQuery(const String &field, const String &text) override
    {
        if (!field.empty())
            return terms_or(field, text);
        BooleanQueryPtr q = newBooleanQuery(true);
        for (Collection<String>::iterator f = fields_.begin(); f != fields_.end(); ++f) {
            QueryPtr fq = terms_or(*f, text);
            if (fq)
                q->add(fq, BooleanClause::SHOULD);
        }
        return q->getClauses().empty() ? QueryPtr() : q;
    }
    using MultiFieldQueryParser::getFieldQuery;

private:
    QueryPtr terms_or(const String &field, const String &text)
    {
        TokenStreamPtr ts = analyzer_->tokenStream(field, newLucene<StringReader>(text));
        TermAttributePtr term = ts->addAttribute<TermAttribute>();
        Collection<String> terms = Collection<String>::newInstance();
        ts->reset();
        while (ts->incrementToken())
            terms.add(term->term());
        ts->close();
        if (terms.empty())
            return QueryPtr();
        if (terms.size() == 1)
            return newTermQuery(newLucene<Term>(field, terms[0]));
        BooleanQueryPtr q = newBooleanQuery(false);
        for (Collection<String>::iterator t = terms.begin(); t != terms.end(); ++t)
            q->add(newTermQuery(newLucene<Term>(field, *t)), BooleanClause::SHOULD);
        return q;
    }
    Collection<String> fields_;
    AnalyzerPtr analyzer_;
};

static int run_index(const char *dbdir)
{
    AnalyzerPtr analyzer = newLucene<CJKAnalyzer>(LuceneVersion::LUCENE_CURRENT);
    IndexWriterPtr writer = newLucene<IndexWriter>(FSDirectory::open(StringUtils::toUnicode(dbdir)),
                                                   analyzer, true,
                                                   IndexWriter::MaxFieldLengthUNLIMITED);
    peer_docs in;
    peer_docs_start(&in, stdin);
    while (const peer_doc *dp = peer_docs_next(&in)) {
        const peer_doc &d = *dp;
        DocumentPtr doc = newLucene<Document>();
        doc->add(newLucene<Field>(L"id", wide(d.id, d.id_len), Field::STORE_YES,
                                  Field::INDEX_NOT_ANALYZED));
        doc->add(newLucene<Field>(L"title", wide(d.title, d.title_len), Field::STORE_NO,
                                  Field::INDEX_ANALYZED));
        doc->add(newLucene<Field>(L"body", wide(d.body, d.body_len), Field::STORE_NO,
                                  Field::INDEX_ANALYZED));
        writer->addDocument(doc);
    }
    writer->optimize();
    writer->close();
    return peer_docs_end(&in, "lucene_cjk");
}

static int run_search(const char *dbdir, bool parse_only, bool phrase)
{
    AnalyzerPtr analyzer = newLucene<CJKAnalyzer>(LuceneVersion::LUCENE_CURRENT);
    IndexReaderPtr reader = IndexReader::open(FSDirectory::open(StringUtils::toUnicode(dbdir)), true);
    SearcherPtr searcher = newLucene<IndexSearcher>(reader);
    Collection<String> fields = newCollection<String>(L"title", L"body");
    QueryParserPtr parser;
    if (phrase)
        parser = newLucene<MultiFieldQueryParser>(LuceneVersion::LUCENE_CURRENT, fields, analyzer);
    else
        parser = newLucene<OrQueryParser>(fields, analyzer);
    BooleanQuery::setMaxClauseCount(65536); // long questions have many bigrams
    peer_questions qs;
    peer_questions_start(&qs, stdin);
    while (peer_questions_next(&qs)) {
        const char *qid = qs.qid, *text = qs.text;
        double t0 = peer_now();
        std::string ids;
        try {
            QueryPtr q = parser->parse(escape_query(StringUtils::toUnicode(text)));
            if (parse_only) {
                printf("%s\t%s\n", qid, StringUtils::toUTF8(q ? q->toString() : L"(none)").c_str());
                continue;
            }
            if (q) {
                TopDocsPtr top = searcher->search(q, 10);
                for (int32_t i = 0; i < top->scoreDocs.size(); ++i) {
                    if (!ids.empty())
                        ids += ' ';
                    ids += StringUtils::toUTF8(searcher->doc(top->scoreDocs[i]->doc)->get(L"id"));
                }
            }
        } catch (LuceneException &e) {
            // A question the parser rejects is a question without an answer.
            fprintf(stderr, "lucene_cjk: %s: %s\n", qid, StringUtils::toUTF8(e.getError()).c_str());
        }
        double us = (peer_now() - t0) * 1e6;
        peer_answer(qid, us, ids.data(), ids.size());
    }
    peer_questions_free(&qs);
    searcher->close();
    reader->close();
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "index") && strcmp(argv[1], "search") &&
                      strcmp(argv[1], "search-phrase") && strcmp(argv[1], "parse"))) {
        fprintf(stderr, "usage: lucene_cjk index|search|search-phrase|parse DIR < input\n");
        return 2;
    }
    try {
        if (strcmp(argv[1], "index") == 0)
            return run_index(argv[2]);
        return run_search(argv[2], strcmp(argv[1], "parse") == 0,
                          strcmp(argv[1], "search-phrase") == 0);
    } catch (LuceneException &e) {
        fprintf(stderr, "lucene_cjk: %s: %s\n", argv[2], StringUtils::toUTF8(e.getError()).c_str());
    } catch (const std::exception &e) {
        fprintf(stderr, "lucene_cjk: %s: %s\n", argv[2], e.what());
    }
    return 1;
}

"""Answering: from a question and its retrieved hits to an extractive answer with citations.

    settings        every weight and threshold of answering, with where each came from
    clauses         the candidate clauses of a chunk (sentences cut at ，；：, table values, periods)
    evidence        THE score of how well a clause (or a target) answers a question
    relevance       whether the hits are about the question at all
    places          whose figure: the places an answer speaks for
    citations       numbered citations, the figure check, notes on leads and OCR'd quotes
    figures         figure and comparison answers
    measures        measure answers
    responsibility  who is responsible
    document        questions about a document itself (文号, 印发日期, 发文机关 …)
    compose         the answer: relevance -> places -> the composer of the question's kind

The package imports nothing of its own at the top: import the module you need.
"""

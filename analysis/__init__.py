"""Analysis of free-text answers: pure functions, no database.

- `analysis.sentiment.score(text, question_kind=None, audience=None) -> Sentiment`
- `analysis.themes.code(text, audience=None) -> list[ThemeMatch]`, codebook in `codebook.yaml`
- `analysis.safeguarding.screen(text, audience=None) -> Screen`
- `analysis.redact.redact(text, known_names=()) -> str`
- `analysis.pipeline.analyse(text, question_kind=None, audience=None) -> TextAnalysis`
- `python -m analysis.evaluate`: sentiment accuracy and macro-F1 against plain TextBlob
"""

"""Entity resolution: identifier validation and cleaning (:mod:`kg.resolve.identifiers`,
:mod:`kg.resolve.clean`). Scored matching and judgements arrive with a later issue."""

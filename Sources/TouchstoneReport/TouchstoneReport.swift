// TouchstoneReport: renders results as terminal tables, JSON, CSV, Markdown and HTML.

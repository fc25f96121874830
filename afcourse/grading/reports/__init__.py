"""Write what grading found: gradebook, feedback, item analysis, problems and an HTML report.

All files go into one output folder. A new folder is assembled under a temporary name
beside it and renamed into place when complete, so a crash never leaves half a
report; with ``force`` an existing folder is updated file by file (each written
atomically), and files a previous run listed in ``manifest.json`` but this run did not
write are removed, so stale feedback does not linger. Every value that came from a
student (ids, names, answers) is escaped for its format: HTML-escaped in HTML,
entity- and backslash-escaped in Markdown, quoted by the csv module in CSV, and
prefixed with ``'`` in CSV when it starts like a spreadsheet formula.
"""

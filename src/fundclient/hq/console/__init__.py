"""HQ web console (issue #13): server-rendered pages for HQ staff under /console/.

`routes.mount(app, ingestor, hq_dir)` adds it to the intake app; `commands` adds
`fundclient hq add-user` and `fundclient hq audit verify`. Tables live in `models`
(own MetaData), staff auth in `auth`, the hash-chained staff log in `audit`.
"""

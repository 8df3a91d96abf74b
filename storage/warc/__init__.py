"""The archive of originals: WARC files written, read back, decoded, looked up and proved intact.

`writer` writes every HTTP exchange as gzip-per-record WARC 1.1 (`WarcArchive`); `reader` gives
the exact compressed span and block bytes of each record (fixity) and `payload` the decoded body
(what extraction reads); `lookup` finds the capture an auditor asks for; `manifest` seals files
into a hash chain, `verify` holds WARCs, database and chain against each other; `cdxj` and
`wacz` hand the archive to replay tools.  Nothing here knows about exported tables
(storage/export) or the crawl.
"""

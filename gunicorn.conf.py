"""Gunicorn's settings, read from the working directory by `gunicorn wsgi:app` and `make run`.

Gunicorn answers an over-long request line (414) or header (431) itself, with a plain page
that the app cannot change. Its limits are raised to the most it allows (8190 bytes), above
what the app reads (``outreach.errors.MAX_URL_LENGTH``, 4096, and ``MAX_HEADER_LENGTH``, 8000):
every address or header between the two reaches the app, which answers 414/431 in JSON on
/api/. Only a request line or header longer than 8190 bytes still gets gunicorn's own page."""

limit_request_line = 8190
limit_request_field_size = 8190

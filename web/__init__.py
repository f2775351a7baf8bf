"""Server-rendered public pages for residents (GOV.UK Frontend), a sibling of ``api/``."""

"""One URL configuration per OpenAPI surface, used to generate the committed specs."""

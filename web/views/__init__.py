"""The public pages' views: each validates, calls one service or selector, and renders."""

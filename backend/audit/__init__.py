"""Reading the audit trail that django-pghistory's triggers write in each authority schema."""

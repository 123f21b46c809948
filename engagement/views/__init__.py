"""Thin views: scope, form, service, then render or redirect. Rules: `engagement.selectors`."""

"""Volunteers: 实名注册, activities with sign-in and sign-out, hours entered afterwards (补录), star
ratings, and the share of volunteers in the resident population."""

"""信访 pages (filled below)."""

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)

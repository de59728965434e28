"""The Leersessie domain: everything the pages call, none of it Streamlit-aware (except lib/ui/)."""

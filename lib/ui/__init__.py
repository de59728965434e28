"""The only Streamlit-aware helpers: navigation, login, page guard, styling, shared widgets."""

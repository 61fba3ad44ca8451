"""Users, their organisation and role, sign-in. Imports ``core`` and ``directory``."""

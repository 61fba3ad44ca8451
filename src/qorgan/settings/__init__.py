"""Settings profiles: ``base`` (shared), ``dev`` (the embedded default), ``prod``, ``test``.

Everything that varies between machines is read from the environment here, once.
"""

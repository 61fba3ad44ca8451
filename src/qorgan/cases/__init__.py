"""Cases: one person followed from detection to closure (SPEC §5).

For now the minimal record a stored screening opens; the national referral mechanism
(persons, referrals, services, consent, protection) grows here. Imports ``directory``,
``accounts``.
"""

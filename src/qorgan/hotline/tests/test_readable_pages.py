"""What the operator reads during a call says things in words: the leaflet a 102 line comes
from by its title (never its file name), the Kazakh step "ДЕРЕУ 102 нөміріне …" whole."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from qorgan.hotline import services

from .conftest import CRISIS


def test_crisis_names_the_leaflet_of_the_102_line(client: Any, desk: dict[str, Any]) -> None:
    contact = services.log_contact(user=desk["operator"], hotline=desk["hotline"], data=CRISIS)
    client.force_login(desk["operator"])
    for language, title in (
        ("kk", "Шетелдіктер мен еңбек мигранттарына арналған ескертпе (001), 102-жол"),
        ("ru", "Памятка для иностранцев и трудовых мигрантов (001), строка 102"),
    ):
        body = client.get(f"/{language}/hotline/contacts/{contact.pk}/").content.decode()
        crisis = body[body.index('id="crisis"') : body.index("</section>")]
        assert title in crisis and ".txt" not in crisis


def test_readout_reads_the_number_102_in_kazakh(client: Any, desk: dict[str, Any]) -> None:
    client.force_login(desk["operator"])
    body = client.get(reverse("hotline:readout") + "?lang=kk").content.decode()
    assert "ДЕРЕУ 102 нөміріне полицияға" in body
    assert "<li>нөміріне" not in body
    # Russian says the number in its own sentence: nothing is put before it.
    body = client.get(reverse("hotline:readout") + "?lang=ru").content.decode()
    assert "<li>Незамедлительно сообщите в полицию по номеру 102" in body

"""A made-up beneficiary for demos, tests and the docs' screenshots (no real person).

The name is deliberately very long so that every rendering shows the shrink/wrap path.
"""

from __future__ import annotations

from datetime import date

from fundclient.cards.content import OfficeInfo, office_info
from fundclient.domain.card_numbers import make_card_number
from fundclient.domain.records import ArabicName, Beneficiary, Dependant, Relation, Sex

SAMPLE_OFFICE = OfficeInfo(code="BRK", name_ar=office_info("BRK").name_ar, phone="0XX-0000000",
                           address="براك الشاطئ")


def sample_record() -> Beneficiary:
    return Beneficiary(
        national_number="119520304567",
        name=ArabicName(first="عبدالرحمن", father="محمد الأمين عبدالسلام",
                        grandfather="عبدالقادر إبراهيم مصطفى", family="الزنتاني الشريف"),
        latin_name="Abdulrahman Mohammed Al-Amin Abdulsalam Al-Zintani",
        sex=Sex.MALE,
        date_of_birth=date(1952, 3, 4),
        office_code="BRK",
        card_number=make_card_number("BRK", 2, 1234),
        dependants=[
            Dependant(name=ArabicName(first="فاطمة", father="علي", grandfather="محمد", family="المقريف"),
                      relation=Relation.SPOUSE, sex=Sex.FEMALE, date_of_birth=date(1958, 7, 19),
                      national_number="219580719876", card_number=make_card_number("BRK", 2, 1235)),
        ],
        created_by="clerk1",
    )


def silhouette_photo(width: int = 300, height: int = 400) -> bytes:
    """A JPEG of a plain head-and-shoulders silhouette (stands in for an ID photo)."""
    import cv2  # lazy: start-up (OpenCV, NumPy)
    import numpy as np  # lazy: start-up (NumPy)

    image = np.full((height, width, 3), (235, 230, 225), dtype=np.uint8)
    colour = (120, 110, 100)
    cv2.ellipse(image, (width // 2, int(height * 0.95)), (int(width * 0.45), int(height * 0.3)), 0, 180, 360,
                colour, -1)
    cv2.ellipse(image, (width // 2, int(height * 0.4)), (int(width * 0.2), int(height * 0.25)), 0, 0, 360,
                colour, -1)
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return data.tobytes()

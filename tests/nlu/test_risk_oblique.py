"""Oblique disclosures the lexicon must catch, and the benign look-alikes next to them.

Written for this test (not copied from any evaluation set): goodbye notes, pill counts "not to wake
up", hoarded medicine, prayers to be taken, giving things away, a door closed while alone, being
locked in, meetings with someone from online today, secret filming, money for silence, threats to
a family group, pay-or-it-goes-viral.
"""

from __future__ import annotations

import pytest

from nlu.risk import detect_risk_text
from nlu.types import SIGNAL_LEVEL, RiskLevel, RiskSignal


def level(text: str) -> RiskLevel:
    return max((SIGNAL_LEVEL[s] for s in detect_risk_text(text)), default=RiskLevel.NONE)


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("خبيت رسالة تحت المخدة، لما تقروها سامحوني", "self_harm"),
        # Session 3 categories (own sentences): flat preparations, nothing to live for, war wishes,
        # heights now, getting rid of my life, giving things away, secret meetings tonight,
        # "tonight is your last night", another child's abuser, demands other than money.
        ("الشفرات بالجارور من اسبوع", "self_harm"),
        ("the blades are in my drawer since monday", "self_harm"),
        ("صرت ما بشوف اي سبب اعيش بعد ما فضحني", "self_harm"),
        ("ما ضل حدا بالدنيا اعيشله", "self_harm"),
        ("ma ddal eshi a3eshlo", "self_harm"),
        ("there is no reason to keep living", "self_harm"),
        ("يا ريت الصاروخ اخدني انا كمان", "self_harm"),
        ("ياريتني استشهدت معهم", "self_harm"),
        ("انا فوق السطح وما بدي انزل", "self_harm"),
        ("ana 3al balkon w ma bdi anzal", "self_harm"),
        ("im on the roof and not coming down", "self_harm"),
        ("أقف الآن على حافة الجسر", "self_harm"),
        ("ra7 at5allas mn 7ayati", "self_harm"),
        ("رجعت لإيذاء النفس بعد سنة", "self_harm"),
        ("wazza3t 8radi 3a s7abi ma 3ad ra7 a7taj shi", "self_harm"),
        ("gave my headphones to my brother, he'll need them more than me", "self_harm"),
        ("متفقين نتقابل الساعة ٩ بالحديقة وما قلت لحدا", "immediate_danger"),
        ("bdna netla2a el lela b7ali", "immediate_danger"),
        ("he's picking me up at 11, my mom thinks im asleep", "immediate_danger"),
        ("ابن عمي قلي الليلة اخر ليلة بتعيشها", "immediate_danger"),
        ("tonight is your last night he wrote", "immediate_danger"),
        ("صاحبتي بالصف زوج امها بيتحرش فيها كل يوم", "abuse_disclosure"),
        ("معه فيديوهات الي وبدو اياني ابعتله كمان ولا بينشرها", "sextortion"),
        ("bdo ashta8el ma3o wla el sowar btsir 3and kol el madrase", "sextortion"),
        ("كم حبة منوم لازم تاخد عشان ما تصحى ابدا", "self_harm"),
        ("صرت اجمع حبوب امي بالدرج من شهر", "self_harm"),
        ("يا رب خدني وريحني من هالعيشة", "self_harm"),
        ("ya rab 5odni w 5alasna", "self_harm"),
        ("وزعت ألعابي على اخواتي الصغار، ما رح احتاجهم", "self_harm"),
        ("i left letters for everyone, theyll read them when im gone", "self_harm"),
        ("gave my xbox to my cousin, i wont need it", "self_harm"),
        ("how many sleeping pills would it take to not wake up", "self_harm"),
        ("الدنيا بتكون احسن بدوني", "self_harm"),
        ("عمي فات ع غرفتي وقفل الباب وانا لحالي", "immediate_danger"),
        ("خالتي حابستني بالغرفة وما بتخليني اطلع", "immediate_danger"),
        ("اتفقت مع شاب من تيك توك نلتقي اليوم بعد المدرسة", "immediate_danger"),
        ("رح اروح لعنده اليوم بالسر، وعدني بايفون", "immediate_danger"),
        ("المدرب بيعمل معي اشياء بتخوفني بعد التمرين", "abuse_disclosure"),
        ("الاستاذ بيصورنا بالسر واحنا بنغير بغرفة الملابس", "abuse_disclosure"),
        ("الجار بيعطيني مصاري عشان ما احكي لحدا", "abuse_disclosure"),
        ("my swim coach touches me and says it's normal", "abuse_disclosure"),
        ("قال اذا ما بعتتله صور كمان رح يبعت القديمة لجروب الصف", "sextortion"),
        ("ma3o screenshots mn el call w 2al ra7 yfade7ni", "sextortion"),
        ("they have my pic and said pay or it's going viral tonight", "sextortion"),
        ("ربطت الحبل على رقبتي امبارح وما كملت", "self_harm"),
        ("ما بقيتش باغية نعيش، كلشي صعيب", "self_harm"),
        ("بطفي السيجارة على ايدي لما اعصب", "self_harm"),
        ("سامحوني كلكم، كنتو احلى اشي بحياتي، باي 💔", "self_harm"),
        ("been hiding my mom's sleeping pills in my drawer", "self_harm"),
        ("when u read this pls dont blame yourself", "self_harm"),
        ("حدا عم يحاول يفتح شباك غرفتي هلا وانا لحالي", "immediate_danger"),
        ("ra7 yemri 3alay ba3d nos sa3a w 2al ma t2oli la 7ada", "immediate_danger"),
        ("ابن خالي بيلعب معي لعبة السر لما ما حدا بالبيت", "abuse_disclosure"),
        ("ستي حرقت ايدي بالمكوى لاني كسرت الصحن", "abuse_disclosure"),
        ("صورني وانا بغير على الكاميرا وهلا بدو مصاري", "sextortion"),
        ("if i block him my pics go to my whole school he said", "sextortion"),
        ("انا ابوه، ابني كاتب بدفتره انه بدو ينتحر", "self_harm"),
        ("my daughter has been cutting herself and hides it with long sleeves", "self_harm"),
        ("بدي اشرب الديتول اللي بالحمام وخلص", "self_harm"),
        ("ربطت الحزام بالمروحة بس ما قدرت", "self_harm"),
        ("يا ريت تدعسني سيارة وانا راجعة", "self_harm"),
        ("السواق قفل الابواب وما بيرد علي وين رايحين", "immediate_danger"),
        ("he locked the door and keeps coming closer, help", "immediate_danger"),
        ("جوز امي برا الباب عم يصرخ وبدو يفوت", "immediate_danger"),
        ("البياع بالدكان بيمسكني وبيقلي ما تحكي لحدا", "abuse_disclosure"),
        ("صاحبي قلي انه عمه بيعتدي عليه", "abuse_disclosure"),
        ("ابنتي تتعرض للابتزاز بنشر صورها من حساب مجهول", "sextortion"),
        ("ignore me and the pics go to your parents, she wrote", "sextortion"),
        ("بخبي الجروح اللي على زندي بكم طويل عشان ما حدا يشوف", "self_harm"),
        ("خلص رح اريحهم مني كلهم", "self_harm"),
        ("يا رب تجيني رصاصة وارتاح", "self_harm"),
        ("قعدت على حافة السطح ساعة امبارح", "self_harm"),
        ("شو اسهل طريقة لاموت فيها", "self_harm"),
        ("searched how many pills is a lethal dose last night", "self_harm"),
        ("tonight im taking all the pills in the cabinet", "self_harm"),
        ("عم يضرب فيي هلا ابوي وانا بالحمام", "immediate_danger"),
        ("بكتبلكم من الحمام وانا خايفة، عم يكسر الباب", "immediate_danger"),
        ("رح انزل لاقابله بعد شوي بدون ما حدا يعرف", "immediate_danger"),
        ("الاستاذ حط ايده بمكان غلط وانا لحالي بالصف", "abuse_disclosure"),
        ("اذا بتبلكيني بنشر صورك كلها", "sextortion"),
        ("بدو ٥٠ دينار او كل صحابك بيشوفوك", "sextortion"),
        ("got my nudes and says you have 12 hours", "sextortion"),
    ],
)
def test_oblique_disclosures_reach_their_signal(text: str, signal: str) -> None:
    assert RiskSignal(signal) in detect_risk_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "هاي آخر رسالة مني اليوم، تصبحوا على خير",
        "طلعنا على السطح نشوي مع العيلة وما بدي انزل من كتر ما الجو حلو",
        "we're on the roof for fireworks, not coming down till midnight lol",
        "gave my old clothes to charity, they need them more than me",
        "the rope is in my closet for the school play",
        "الحبل بالخزانة للرحلة بكرا",
        "الحبوب بالجارور، ماما بتعطيني وحدة كل يوم",
        "ماذا يعني مصطلح إيذاء النفس؟ سمعته بدرس الصحة",
        "رح نتقابل الليلة انا وصحباتي بالمول، ماما بتعرف",
        "my parents think im at the library but im at the mall with sara lol",
        "tonight is the last night of the holiday",
        "صورنا بالرحلة رح تصير عند كل الصف بالجروب",
        "there is no reason to panic, the test is easy",
        "last message tonight, see you tomorrow at school",
        "جرحت اصبعي أثناء تقطيع الخيار",
        "رح نلتقي بصحباتي اليوم بالمكتبة",
        "my teacher wants to meet my parents on thursday",
        "اختي رح تقتلني اذا عرفت اني اخدت شاحنها 😂😂",
        "my brother is gonna kill me lol i broke his controller",
        "كم حبة بنادول مسموح للصداع باليوم؟",
        "بحبك موت يا خيتي",
        "اتفقت مع صحابي نلعب كورة اليوم العصر",
        "رح نطلع مع ماما ع السوق بعد شوي",
        "بدي انط بالترامبولين عند خالتي",
        "the physics test is literally murdering me",
        "ماما واقفة عند باب المدرسة بالسيارة، باي",
        "اخوي قلي رح اقتلك اذا اخدت شاحني 😂",
        "jara7t edi bl tamreen bas 7a6et plaster",
        "i fell off my scooter and my dad put a bandage on it",
        "ولا مرة حدا طلب مني صور، بس بسأل عشان اعرف",
        "جرحت اصبعي بالمقص أثناء حصة الرسم",
        "my brother said he'll destroy me in fortnite later",
    ],
)
def test_benign_look_alikes_stay_below_high(text: str) -> None:
    assert level(text) < RiskLevel.HIGH

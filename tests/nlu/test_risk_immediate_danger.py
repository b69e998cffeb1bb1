"""immediate_danger (SPEC §3, level 3): arrivals, meetings with online contacts today, being hurt
or locked in now, being followed and credible threats raise it in every register, while benign
meetings, pickups by family and game talk do not."""

from __future__ import annotations

import pytest

from nlu.risk import detect_risk_text
from nlu.types import Risk, RiskLevel, RiskSignal

DANGER: list[str] = [
    # A relative's killing threat with the finding out after it; Arabizi with 2 for qaf.
    "my dad will kill me if he finds out about the pics",
    "my brothers gonna murder me the moment he sees that video",
    "abuya ra7 y2tolni iza 3ref 3an el sowar",
    "a5oy 2al bido yedfenni law 3ref",
    # Arrivals quoted by the child, presence without the usual words.
    "قلي انا تحت بيتكم انزلي",
    "كتبلي انا قدام مدرستك استناكي",
    "هو تحت البناية وانا خايفة",
    "هو عند باب المدرسة ومستنيني",
    "هو بالسيارة برا وبدو اركب معه",
    "وصل وقال انزلي هلأ",
    "بعتلي لوكيشنه وقال صار على بعد خمس دقايق",
    "ارسل لي موقعه وقال انه على بعد خمس دقائق",
    "الريال اللي اسولف وياه ينطرني برع البيت",
    "اللي احجي وياه بالانستا جاي يمي هسه",
    "ana ta7t baitkom enzali",
    "howe bel sayyara barra w bdo arkab ma3o",
    "2al sar ta7t w bdo yani anzal",
    "he said im under your building come out now",
    "hes downstairs and im scared",
    "he's at the school gate waiting for me",
    "he's in the car outside and says get in",
    "he sent his location and he's 5 minutes away",
    "the guy from discord is picking me up after school",
    # Meetings with someone from online, today / in an hour / secretly.
    "اتفقت مع واحد من الانستا نتلاقى اليوم بعد المدرسة",
    "رح اقابل الشب اللي تعرفت عليه من اللعبة بعد ساعة",
    "متفقين نتقابل النهاردة بعد الدرس انا وواحد من الفيس",
    "ابي اطلع مع واحد تعرفت عليه بالسناب الحين",
    "الولد اللي بكلمه عالنت هيقابلني النهارده",
    "هقابله النهارده بعد الدرس لوحدي",
    "tal3a ashoof shab mn tiktok ba3d sa3a",
    "i'm sneaking out tonight to meet a guy i met online",
    "we're meeting tonight, he's 19 and i met him on discord",
    "im going to his house today, we met on roblox",
    # Being hurt now, locked in, followed.
    "ابويا بيضربني دلوقتي",
    "ابوية دا يضربني هسه",
    "امي عم تضربني بالعصاية",
    "مسكرين علي بالبيت وماخدين تلفوني",
    "في سيارة ماشية وراي من المدرسة",
    "في حد ماشي ورايا من ساعة",
    "ahli 3am yedrboni hala2",
    "fi wa7ad 3am yemshi warayi",
    "my dad is hitting me with a belt right now",
    "they locked me in my room",
    "i'm stuck in his flat and he took my phone",
    "someone's been following me since I left school",
    # Credible threats, incl. family after finding out.
    "هددني انه رح يستناني بكرا بعد المدرسة ويأذيني",
    "اهلي عرفوا اني بحكي مع شب وبدهم يقتلوني",
    "ابوية عرف بالصور وراح يكتلني",
    "أهلي دروا اني اكلم ولد ويبون يذبحوني",
    "أهلي اكتشفوا علاقتي ويريدون قتلي",
    "2alli bokra ra7 yeji 3al madrase w ydrobni",
    "ahli 3erfo eni ba7ki ma3 shab w bedhom yo2toloni",
    "he said he'll wait for me tomorrow after school and beat me up",
    "he said tomorrow he's gonna find me and stab me",
    # A relative coming closer now, behind a locked door.
    "عمي ورا الباب وانا قافلة على حالي",
    "جوز امي عم يقرب مني هلأ",
    "3ammi wara el bab w ana msakkra 3ala 7ali",
    "i locked my door and my uncle is outside it",
    "my uncle is coming closer and i'm scared",
    # Gulf, Egyptian, Iraqi, Maghrebi and MSA forms.
    "ترا هو برا البيت ويبيني اطلع له",
    "ابوي يطقني الحين",
    "هو تحت البيت دلوقتي ومستنيني",
    "قافلين عليا الاوضة ومش راضيين يطلعوني",
    "جوز امي داخل عليا الاوضة وانا خايفة",
    "هو هسه جدام البيت",
    "عمي دا يقرب عليه وآني خايفة",
    "بابا كيضربني دابا",
    "راه تحت الدار",
    "إنه الآن أمام باب المنزل",
    "أغلقوا علي الباب ولا أستطيع الخروج",
    "الشباب رح يستنوني بعد المدرسة ويضربوني",
    "he just pulled up outside",
    "im in his car rn and he wont tell me where we're going",
    "there's a man in our house",
    "he's coming and i'm home alone",
    "رح اهرب معه الليلة",
    "سأذهب للقائه اليوم بمفردي",
    "he texted i know where you live",
]

BENIGN: list[str] = [
    # Parents "killing" over chores and grades, with or without a laugh.
    "my mom's gonna murder me when she sees the mess in my room 😂",
    "my dad will literally kill me if he finds out i broke the tv remote",
    "my mum is gonna kill me if i fail maths again",
    "رايحة عالمول مع بنات خالتي اليوم",
    "بابا رح يجي ياخدني من المدرسة بعد شوي",
    "ابوي بيستناني قدام المدرسة",
    "ماما وصلت تحت يلا",
    "بابا وصل انزلي بسرعة",
    "الفني جاي هلأ يصلح النت",
    "ستي جاية لعنا اليوم",
    "الاستاذ بستنانا بالصف",
    "رح اقتلك بببجي",
    "هقابل صحابي النهارده في النادي",
    "ابوي اذا عرف اني رسبت رح يقتلني",
    "baba jay ya5odni mn el madrase",
    "ra7 netla2a ana w s7abati bel mall el yom",
    "my dad is picking me up after school",
    "my mom is outside the school waiting for me",
    "meeting my friends at the mall today",
    "the technician is coming now to fix the wifi",
    "grandma is coming over tonight",
    "the teacher is waiting for us in class",
    "coach training tonight at 7",
    "i'll kill you in pubg lol",
    "see you on discord tonight",
    "how do i know if someone is following me on instagram",
    "my little brother keeps following me around the house lol",
    "coach said tomorrow he'll kill us at practice",
    "اخوي الكبير جاي ياخدني من النادي",
    "بابا هيعدي عليا بعد الدرس",
    "تعالي لعندي اليوم نلعب سوا",
    "he said to come out tonight to the party, should i go?",
    "i grabbed my inhaler because i cant breathe",
    "my high school team is beating everyone this season",
    "i'm coming to his house tonight for his birthday party",
    "my dad just pulled up outside, gotta go",
    "he is downstairs watching tv with dad",
    "قلي اخوي انا تحت انزلي بسرعة",
    "ماما عم تضربني بالمخدة هههه",
    "الباص صار تحت البيت",
    "someone is watching me play on twitch",
    "i know where you live lol we're neighbours",
]


@pytest.mark.parametrize("message", DANGER)
def test_danger_now_raises_immediate_danger(message: str) -> None:
    assert RiskSignal.IMMEDIATE_DANGER in detect_risk_text(message)


@pytest.mark.parametrize("message", BENIGN)
def test_benign_meetings_pickups_and_game_talk_raise_nothing_imminent(message: str) -> None:
    signals = detect_risk_text(message)

    assert Risk.of(signals).level < RiskLevel.IMMINENT, signals

"""The lexicon finds abuse and sextortion told in everyday words, and stays quiet on look-alikes.

Abuse told without the usual words (the implement, the burn, the cover-up, the bathroom or bed at
night, "our secret", being paid for images) and sextortion told as a deal ("send or I post", "or
your pics go to…", fake images, money to take them down), across registers; and everyday talk
about hugs, gifts, homework, school projects, privacy settings and blackmail with chats or
passwords (level 1), which must raise no level-2 signal.
"""

from __future__ import annotations

import pytest

from nlu.risk import detect_risk_text
from nlu.types import RiskSignal as S

LEVEL_2 = {S.ABUSE_DISCLOSURE, S.SEXTORTION, S.GROOMING}

ABUSE = [
    "ابوي ضربني بالعصاية على ضهري لحد ما صار ينزل دم",
    "امي بتكويني بالسيخ لما تعصب",
    "زوج امي بيطفي السيجارة بإيدي",
    "كسرلي ابوي ايدي وبالمستشفى حكولهم اني وقعت بالحمام",
    "اهلي بيخلوني البس كم طويل عشان ما حدا يشوف الكدمات",
    "ما اكلت من يومين لان مرت ابوي ما بتعطيني اكل",
    "كل ما ازعل ابوي بيطردني برا وبنام عند الباب",
    "نيموني عالبلكونة بالشتا عقاب",
    "خالي بيقلي تعالي نلعب لعبة سرية وبيشلحني",
    "جوز اختي بيبعتلي صوره وهو بلا ملابس",
    "معلم الخصوصي بيحط ايده على فخدي وقت الدرس",
    "سواق الفان بيوقف بمكان فاضي وبيقلي تعالي اقعدي جنبي وبيحط ايده علي",
    "ابن الجيران الكبير خلاني امسك عضوه",
    "عمي يلمسني في اماكن خاصة ويهددني اذا قلت لابوي",
    "ولد عمي يدخل علي وانا اتسبح",
    "خالي بيقعد يبصلي وانا بغير هدومي وبيقولي ده سر بينا",
    "المدرس بتاع الدرس بيخليني افضل بعد الحصة ويقفل الباب",
    "ابويه يكويني بالقاشوغة الحارة",
    "زوج امي يجي يمي بالليل ويخليني اسوي اشياء ما احبها",
    "يجبرني زوج أمي على مشاهدة مقاطع إباحية معه",
    "يحرمني والدي من الطعام ويحبسني في القبو",
    "ماما كتحرقني بالبريكة",
    "رجل بالانستا بيبعتلي ١٠٠ دولار اذا صورت حالي بدون ملابس",
    "واحد بالديسكورد بيعطيني نيترو مقابل صور لجسمي",
    "عمو صاحب بابا بيطلب مني افتح كاميرا واشلح وبيعطيني مصاري",
    "بنت خالتي الصغيرة قالتلي انو جوز امها بيدخل عليها بالحمام",
    "اخوي الصغير عنده علامات حزام على ظهره وابوي بيقلو ما تحكي",
    "صاحبتي امها بتطردها برا البيت بالليل",
    "baba bedrobni bel barbeesh kol ma yza3al",
    "emmi kawatni bel mekwa 3ala eidi",
    "5ali binam janbi w bi7ot eido 3alay",
    "el sawwa2 bi2olli ta3ali o23odi janbi w bi7ot eido 3ala fa5di",
    "wa7ad 3al insta bidfa3li masari iza ba3atlo sowar bala tyab",
    "jowz ommi bifoot 3alay bel 7ammam w ana bet7ammam",
    "ahli tarradooni mn el beit bel leil w nemt bel share3",
    "my stepmom burns me with cigarettes when my dad is at work",
    "my dad hits me with the charger cable and i have marks all over my legs",
    "my parents make me tell the school nurse i fell when i have bruises",
    "my mom's boyfriend walks into the bathroom when i'm in the shower",
    "my uncle gets into my bed at night and touches me",
    "a guy on discord pays me in gift cards for pics in my underwear",
    "the man next door calls us into his house and says not to tell our parents",
    "my friend's dad takes pictures of her when she's changing",
    "they leave me outside all night when they're angry",
    "i haven't eaten in two days, my stepdad doesn't feed me",
    "my cousin makes me watch porn with him and says it's our secret",
    "ابوي بيأذيني كل ما يرجع عالبيت",
    "اهلي بيعنفوني وبيضربوني",
    "زوج امي بيمد ايده علي وعلى امي",
    "أتعرض للضرب من والدي بشكل يومي",
    "امي بتشدني من شعري وبتضربني راسي بالحيط",
    "ابوي رماني على الأرض وصار يرفسني",
    "بابا ضربني كف لحد ما نزل دم من انفي",
    "ابويا بيعلقني من ايديا ويضربني",
    "اخوي الكبير بيضربني وامي ما بتعمل اشي",
    "في حدا بالعيلة بيلمسني وانا خايفة احكي",
    "صار معي اشي مع ابن عمي وما بعرف احكيه",
    "عمي بعتلي صور لحاله وطلب صور مني",
    "مرة ابوي ربطني بالكرسي وضربني",
    "my dad hurts me when he's drunk",
    "my mom's boyfriend hits me and my little brother",
    "my parents starve me when i get bad grades",
    "my stepdad touched me while i was sleeping",
    "an older guy made me do stuff i didn't want to do in his car",
    "my uncle does things to me at night and says no one will believe me",
    "a man pays me to send videos of myself",
    "my cousin forced me to kiss him",
    "my dad choked me last night",
    "my mom throws things at me and calls me a mistake",
    "he makes me take my clothes off on video chat",
    "baba bi2zini kol yom",
    "ahli bi3annfooni",
    "5ali bi3mal fiyi ashya w bi2olli ma t7ki",
    "jowz ommi byed5ol 3ala ghorfti bel leil",
    "abuy 7abasni bel 7ammam yomein",
]

SEXTORTION = [
    "في حساب فيك عنده صوري وانا بدون حجاب وبهدد ينشرها اذا ما دفعت",
    "بعتتله صور خاصة وهلأ بيقلي اذا ما بعتيلي فيديو رح انشرهم",
    "بيقول معه فيديو الي وانا بشلح وبدو ٢٠٠ دينار",
    "بدو اطلعله عالكام ولا بيبعت صوري لكل قائمة اصدقائي",
    "حط صوري بجروب وقال بمسحهم اذا بعتله ٥٠ شيكل",
    "عملي صورة عريانة بالذكاء الاصطناعي وبيقول رح ينزلها اذا ما بعتله صور حقيقية",
    "بتقلي ادفعي ٣٠٠ دولار والا الفيديو بينزل عالتيك توك",
    "يقول عنده مقطع لي وأنا أغير ملابسي ويبيني أرسل له فلوس",
    "يبتزني بصوري ويبي أقابله في المول",
    "واحد بيهددني هينزل صوري لو مبعتلوش فلوس",
    "قالي ابعتي صور تانية وإلا هبعت اللي معايا لأبوكي",
    "ديهددني ينشر صوري اذا ما اطلعله فيديو",
    "أرسل لي صورة معدلة لي وهددني بنشرها إن لم أدفع",
    "يطالبني شخص بمبلغ مالي مقابل عدم نشر مقطعي الخاص",
    "واحد شاد عليا فيديو وكيطلب مني الفلوس ولا غادي ينشرو",
    "سكرن صوري من السناب وبيقول بدو مصاري ولا رح يفضحني",
    "البنت اللي تعرفت عليها طلعت شب وبدو مصاري عشان ما ينشر الفيديو",
    "قالي اذا حظرتيني ببعت صورك لكل الصف",
    "عم يبعتلي صوري ويقلي شوفي شو رح يصير اذا ما دفعتي",
    "ma3o sowari w 2alli iza ma ba3atlo 100 dollar bynazzelhom",
    "bihaddedni yinsharli el video iza ma fata7tlo cam",
    "7atta sowari 3al group w bedo masari la yshilhom",
    "2alli ib3atili sowar aktar walla bab3at elli ma3i la ahlik",
    "hada el shab 3ando video ili w 3am yebtazzni",
    "3amal sora mfabraka ili w 2al iza ma dafa3t bynasherha",
    "yabi floos walla yenshor swari",
    "someone i met on snap has my nudes and says he'll send them to my followers unless i pay",
    "a girl i was talking to turned out to be a guy and now he wants $300 or he leaks the video",
    "he recorded our facetime and is demanding gift cards",
    "they photoshopped my face on a naked pic and are asking for money",
    "he said if i don't send more he'll tag my parents in my pics",
    "pay or your nudes go to everyone on your followers list",
    "he keeps saying send another or the first one goes to your school",
    "i'm being sextorted and i don't know what to do",
    "he says he'll post the video of me on a porn site if i don't pay",
    "someone's threatening to share an ai nude of me",
    "i paid him 50 dollars and now he wants 200 more or he'll post them",
    "he wants me to video call him naked or he'll send my pics to my class",
    "the scammer has a screen recording of me and wants bitcoin",
    "unless i meet him he'll share my private photos",
    "بيهددني بالصور اللي بعتتله ياها",
    "صوري الخاصة صارت عنده وبدو فلوس",
    "قال اذا ما بعتلك مصاري بحط صورك على الفيس",
    "في واحد نازل صوري على صفحة وعم يطلب مني ادفع",
    "بدو ٥٠٠ شيكل ولا بينشر فيديو الي",
    "بيقول رح يفضحني اذا ما بعتله صور كمان",
    "خايفة كتير في واحد بدو يفضحني بصوري",
    "هكر حسابي وأخذ صوري وبدو فلوس",
    "يهددني بنشر صوري وأنا بدون حجاب",
    "شخص يطلب مني إرسال مقاطع مقابل عدم فضحي",
    "مسكني فيديو كول وسجلني وهلا بيساومني",
    "بعتله صورتي وصار يبتزني",
    "he's threatening me with my pics",
    "she says she'll send my nudes to my family if i don't send more",
    "someone is blackmailing me with a video of me",
    "i sent nudes to a guy and now he's blackmailing me",
    "he wants money or he'll post my photos",
    "they said they'd share my video with everyone at school unless i pay them",
    "this account has my private pics and wants $200",
    "he will leak my nudes if i stop talking to him",
    "someone made fake nudes of me and is sending them around",
    "bedo masari aw bynsher sowari",
    "3ando sowari w bihaddedni",
    "ba3atlo sora w sar yebtazzni",
    "2al iza ma dafa3t bynazzel el video",
    "ra7 yfda7ni bel sowar",
]

BENIGN = [
    "ماما حضنتني وباستني لما نجحت",
    "ابوي باسني على راسي قبل ما اروح عالمدرسة",
    "عمي جابلي هدية حلوة بعيد ميلادي",
    "بابا ساعدني بالواجب امبارح لحد الساعة ١١",
    "خالي بياخدنا بسيارته عالبحر كل جمعة",
    "جدي بيقعدني بحضنه وبيحكيلي قصص زمان",
    "امي دخلت عالحمام تجيبلي منشفة",
    "بابا بيدخل غرفتي بالليل يطفي الضو اذا نسيت",
    "اخوي الصغير بينام جنبي لانه بخاف من العتمة",
    "عندي مشروع عن العنف الاسري بالمدرسة",
    "شو يعني ابتزاز جنسي؟ سمعت عنه بالاخبار",
    "كيف اخلي صوري خاصة عالانستا",
    "في برنامج بيعدل الصور ويشيل الحبوب من الوجه؟",
    "صاحبتي نزلت صورة الي بشعة عالستوري وبتضحك علي",
    "معه سكرينات من الشات وبيهدد يفرجيهم لابوي اذا ما بعتله رصيد",
    "بدو كلمة سر حسابي ولا بحكي لاهلي عن سري",
    "انكسرت ايدي بالمباراة وامي اخدتني عالمستشفى",
    "الاستاذ طلعني برا الصف لاني كنت احكي",
    "جارنا عزمنا على الغدا ببيته يوم العيد",
    "امي حرمتني من الموبايل اسبوع لاني رسبت",
    "my mum hugged me and said she was proud of me",
    "my uncle bought me a new phone for eid",
    "my dad helped me with my science project",
    "my little sister sleeps in my bed when she has nightmares",
    "how do i make my instagram photos private",
    "which app is best for editing selfies",
    "i have to write a report on child abuse for social studies",
    "we learned about sextortion in class today, its scary",
    "my friend posted an ugly photo of me and everyone laughed",
    "she says she'll show our chats to my parents unless i pay her",
    "he threatened to tell everyone my secret if i dont give him my password",
    "i burned my hand on the stove while making pancakes",
    "my brother broke my phone and my dad got mad",
    "the neighbour invited us to his house for a barbecue",
    "we watched a movie together as a family",
    "my coach yelled at me for being late to practice",
    "mama ba3atetli masari 3ashan a2ol el 3eed",
    "baba sa3adni bel wajeb el yom",
    "kif a3mel el sowar taba3i private",
    "el ostaz tala3ni barra el saff",
    "bent bel saff nazzalat sora ili bsha3a",
    "بدي انشر صوري عالانستا بس اذا امي وافقت ببعتلك ياهم",
    "بنزل الفيديو عاليوتيوب ولا بحط الصور عالانستا؟",
    "صاحبتي عندها صوري من الرحلة وبدها تنزلهم",
    "عملت صورة بالذكاء الاصطناعي لقطتي وبدي انشرها",
    "my mom has my baby pics and wants to post them for my birthday",
    "if i block him will he still see my photos?",
    "صورني صاحبي وانا نايم ونزلها عالجروب",
    "بابا بيطلب مني اصور الفاتورة وابعتله ياها",
]


@pytest.mark.parametrize("message", ABUSE)
def test_abuse_told_in_everyday_words_is_an_abuse_disclosure(message: str) -> None:
    assert S.ABUSE_DISCLOSURE in detect_risk_text(message)


@pytest.mark.parametrize("message", SEXTORTION)
def test_threats_to_share_intimate_images_are_sextortion(message: str) -> None:
    assert S.SEXTORTION in detect_risk_text(message)


@pytest.mark.parametrize("message", BENIGN)
def test_hugs_gifts_homework_privacy_and_other_blackmail_raise_no_level_2_signal(message: str) -> None:
    assert not detect_risk_text(message) & LEVEL_2


def test_a_bare_topic_word_is_not_a_disclosure() -> None:
    assert S.SEXTORTION not in detect_risk_text("شو يعني ابتزاز جنسي؟ سمعت عنه بالاخبار")


def test_a_kiss_from_a_parent_is_not_abuse_but_a_forced_one_is() -> None:
    assert S.ABUSE_DISCLOSURE not in detect_risk_text("ابوي باسني على راسي قبل ما اروح عالمدرسة")
    assert S.ABUSE_DISCLOSURE in detect_risk_text("ابن الجيران باسني غصب عني من تمي")

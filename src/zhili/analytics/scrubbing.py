"""Personal data out of demand text before it enters the analytical store (``scrub``).

In this order: the case's own citizen name, phone and ID number wherever they occur; WeChat ids and
QQ numbers named as such (微信/vx/wx/V信/加微… and QQ/扣扣/企鹅号); ID numbers, e-mail addresses,
mobiles (also with +86 or 0086), landlines (also with the area code in brackets); room-level
addresses (X号楼X单元X室, X栋X门X, X-X-X室, X单元X室, X号楼X室, B座X室, with Chinese numerals too),
while a building alone (5号楼前) stays; numbers given as 尾号/短号/分机; any other run of seven or more
digits (a number cut short); a name written beside a phone, WeChat or QQ (联系人孙小红13698765432,
孙小红（电话…）, 电话…周建国); names introduced by 我叫/姓名/联系人/来电人/业主 and the like (the name
must begin with a surname and end where the sentence goes on: 来电人戚玉兰反映 keeps 反映); 我姓X; and a
surname followed by 先生/女士/师傅/阿姨… .

Measured on the invented, labelled sample ``tests/analytics/scrub_sample.txt`` by
``bench/scrubbing.py``; ``tests/analytics/test_scrub_quality.py`` holds the floors.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from zhili.kernel.masking import ID_NUMBER, MOBILE

MASK = "＊"

# Single-character surnames of the 百家姓 and the common modern ones, without those that mostly begin
# ordinary words (和, 从, 家, 国, 东, 文, 时, 安, 常, 全, 成, 明…): a weaker filter, fewer false alarms.
SURNAMES = frozenset(
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎"
    "鲁韦昌马苗凤花方俞任袁柳酆鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬傅皮卞齐康伍余卜顾孟黄穆萧尹姚邵"
    "湛汪祁毛禹狄米贝臧计伏戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵季贾娄危江童颜郭梅盛林刁钟徐邱骆高夏"
    "蔡田樊胡凌霍虞万柯昝管卢莫房裘缪干宗丁宣贲邓郁单杭洪包诸左石崔吉钮龚程嵇邢滑裴陆荣翁荀羊於惠"
    "甄曲封芮羿储靳汲邴糜松段富巫乌焦巴弓牧隗侯宓蓬郗班仰秋仲伊宫宁仇栾暴甘钭厉戎祖武符刘景詹束龙"
    "叶幸韶郜黎蓟薄蒲邰鄂索咸籍赖卓蔺屠蒙池乔阴胥苍莘翟谭贡逄姬扶堵冉宰郦雍郤璩桑桂濮牛寿扈燕冀郏"
    "庄晏柴瞿阎慕茹宦艾鱼容古易慎戈廖庾暨衡耿满弘匡寇禄阙欧殳沃蔚夔巩厍聂晁勾敖融冷訾辛阚饶曾毋沙"
    "乜鞠巢蒯荆竺权逯盖桓白路"
)
# After 姓名/来电人/业主 the context says a name follows: surnames that also begin words count there.
INTRODUCED_SURNAMES = SURNAMES | frozenset(
    "和从家国东文时安常全成明平乐元山车司连习边强席季麻劳申尚宿怀关丰井谷印"
)
_SURNAME = "[" + "".join(sorted(SURNAMES)) + "]"
_ANY_SURNAME = "[" + "".join(sorted(INTRODUCED_SURNAMES)) + "]"
_HAN = r"[\u4e00-\u9fa5]"

_ID = r"[A-Za-z][-_A-Za-z0-9]{3,19}|\d{5,12}"
WECHAT = re.compile(
    r"((?<![A-Za-z])(?:微信|威信|[Vv]信|[Vv][Xx]|[Ww][Xx]|[Ww]e[Cc]hat|weixin|加微|加[Vv](?![Xx信]))"
    r"(?:号码|号|ID|id|Id)?(?:[\s:：]|是|为|同号)*)"
    rf"({_ID})(?![-_A-Za-z0-9])"
)
QQ = re.compile(r"((?:(?<![A-Za-z])[Qq]\s?[Qq]|扣扣|企鹅号)(?:号码|号)?(?:[\s:：]|是|为)*)(\d{5,11})(?!\d)")
LANDLINE = re.compile(r"(?<!\d)(?:[(（]0\d{2,3}[)）]\s?|0\d{2,3}[- ]?)?[2-9]\d{6,7}(?!\d)")
# Any other run of 7 or more digits (spaces or dashes between them allowed), such as a number cut short
# in a title: treated as a possible phone or ID fragment.
LONG_DIGITS = re.compile(r"(?<![0-9A-Za-z])(?:\d[ \-]?){6,}\d[Xx]?(?![0-9A-Za-z])")
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
SHORT_NUMBER = re.compile(r"((?:尾号|短号|分机号?|小号|工号)(?:[\s:：]|是|为)*)(\d{3,8})(?!\d)")

_N = "[0-9零〇一二三四五六七八九十两]"
_BUILDING = r"(?:\d{1,3}|[A-Za-z])(?:号楼|栋|幢|座)"
_UNIT = rf"{_N}{{1,2}}(?:单元|门)"
_FLOOR = rf"{_N}{{1,2}}[层楼]"
_AFTER = r"(?![0-9年月日元路线次位个度米%])"
_ROOM = rf"{_N}{{3,4}}(?:[室号户]|{_AFTER})"
ROOM_ADDRESS = re.compile(
    rf"(?<![0-9])(?:"
    rf"{_BUILDING}\s?(?:{_UNIT}\s?)?(?:{_FLOOR}\s?)?{_ROOM}"
    rf"|{_UNIT}\s?(?:{_FLOOR}\s?)?{_ROOM}"
    r"|\d{1,3}-\d{1,2}-\d{3,4}(?:[室号]|(?!\d))"
    r"|\d{3,4}室"
    r")"
)

_INTRODUCER = "我叫|我是|本人|姓名|名字|联系人|报案人|市民|来电人|来电者|反映人|投诉人|举报人|当事人|业主"
_GOES_ON = r"[，,。.；;、！!？?\s\[(（/0-9]|先生|女士|来电|反映|表示|称|投诉|举报|咨询|说|要求|的|$"
INTRODUCED_NAME = re.compile(
    rf"({_INTRODUCER})((?:[:：\s]|是|叫|为)*)({_ANY_SURNAME}{_HAN}{{1,2}}?)(?={_GOES_ON})"
)
SURNAME_ONLY = re.compile(rf"(我姓|免贵姓)({_SURNAME})")
TITLED_NAME = re.compile(rf"{_SURNAME}(先生|女士|小姐|师傅|阿姨|大爷|大妈|老师)")

CONTACT = re.compile(r"\[(?:电话|微信|QQ|号码)\]")
_SEP = r"[\s，,：:（(/、]*"
_PHONE_WORD = r"(?:联系电话|电话号码|手机号码|手机号|联系方式|电话|手机|座机|号码|微信|QQ)"
_BEFORE_CONTACT = re.compile(rf"{_SEP}(?:的?{_PHONE_WORD}(?:是|为)?{_SEP})?$")
_AFTER_CONTACT = re.compile(rf"[)）]?{_SEP}({_HAN}{{2,8}})")
# Words that end a name's place before a contact: 值班室, 服务站, 居委会, 单位, 家里 are no names.
_NOT_NAME_END = frozenset("室处站部局所队科组会司店厂院馆台栏线话机号码位里人们方员长")
_NAME_THEN = ("反映", "表示", "说", "称", "来电", "要求", "投诉", "咨询", "是", "的")


def _could_be_name(name: str) -> bool:
    """A surname first, not a place word last, and not a doubled word such as 谢谢."""
    return (
        name[0] in SURNAMES and name[-1] not in _NOT_NAME_END and not (len(name) == 2 and name[0] == name[1])
    )


def _name_at_end(run: str) -> int:
    """How many characters at the end of a run of Chinese characters are a name (0: none)."""
    for size in (3, 2):
        name = run[-size:]
        if len(run) >= size and _could_be_name(name):
            return size
    return 0


def _name_at_start(run: str) -> int:
    for size in (3, 2):
        name, rest = run[:size], run[size:]
        if len(name) == size and _could_be_name(name) and (not rest or rest.startswith(_NAME_THEN)):
            return size
    return 0


def _names_beside_contacts(text: str) -> str:
    """Mask a name written right before or after a scrubbed phone, WeChat or QQ."""
    spans: list[tuple[int, int]] = []
    for contact in CONTACT.finditer(text):
        head = text[: contact.start()]
        end = len(head) - len(_BEFORE_CONTACT.search(head).group(0))  # type: ignore[union-attr]
        start = end
        while start > 0 and re.match(_HAN, text[start - 1]) and end - start < 8:
            start -= 1
        size = _name_at_end(text[start:end])
        if size:
            spans.append((end - size, end))
        after = _AFTER_CONTACT.match(text, contact.end())
        if after is not None:
            size = _name_at_start(after.group(1))
            if size:
                spans.append((after.start(1), after.start(1) + size))
    for start, end in sorted(set(spans), reverse=True):
        text = text[:start] + MASK * 2 + text[end:]
    return text


def scrub(text: str | None, known: Iterable[str | None] = ()) -> str | None:
    """The text without personal data; ``known`` are the case's own name, phone and ID number."""
    if not text:
        return text
    for value in known:
        if value and len(value) >= 2:
            text = text.replace(value, MASK * 2)
    text = WECHAT.sub(lambda m: m.group(1) + "[微信]", text)
    text = QQ.sub(lambda m: m.group(1) + "[QQ]", text)
    text = ID_NUMBER.sub("[证件号]", text)
    text = EMAIL.sub("[邮箱]", text)
    text = MOBILE.sub("[电话]", text)
    text = LANDLINE.sub("[电话]", text)
    text = ROOM_ADDRESS.sub("[门牌]", text)
    text = SHORT_NUMBER.sub(lambda m: m.group(1) + "[号码]", text)
    text = LONG_DIGITS.sub("[号码]", text)
    text = _names_beside_contacts(text)
    text = INTRODUCED_NAME.sub(lambda m: m.group(1) + m.group(2) + MASK * 2, text)
    text = SURNAME_ONLY.sub(lambda m: m.group(1) + MASK, text)
    return TITLED_NAME.sub(lambda m: "某" + m.group(1), text)

"""The demo's tables, drawn from the seed library's 2018 report (醴陵市图书馆2018年工作总结).

Every named activity of the report is here with its date; times, rooms, capacities and
headcounts the report does not give are plausible inventions, chosen so that the year adds
up to the report's own totals (40余次 reader activities, 7万余 participants). Speakers,
volunteers and attendees are fictional; the library's real staff are not named.
"""

from __future__ import annotations

from datetime import date

# --- places and partners ------------------------------------------------------------------

#: key, name, name_en, kind, address
BRANCHES = [
    ("central", "醴陵市图书馆（总馆）", "Liling Library (Central Library)", "central", "湖南省醴陵市状元洲文化公园"),
    ("xinghai", "星海明筑分馆", "Xinghai Mingzhu Branch", "branch", "醴陵市星海明筑小区"),
    ("zuoquan", "左权镇分馆", "Zuoquan Town Branch", "branch", "醴陵市左权镇"),
    ("donggang", "茶山镇东岗农家书屋", "Donggang Village Reading Room, Chashan Town", "village", "醴陵市茶山镇东岗村"),
    ("bus", "流动汽车图书屋", "Mobile Book Bus", "mobile", None),
    ("nanmen_primary", "南门小学", "Nanmen Primary School", "partner", "醴陵市南门"),
    ("nanmen_middle", "南门中学", "Nanmen Middle School", "partner", "醴陵市南门"),
    ("taibeicheng", "台北城营销中心", "Taibeicheng Sales Centre", "partner", "醴陵市台北城"),
    ("fenglin", "枫林镇敬老院", "Fenglin Town Nursing Home", "partner", "醴陵市枫林镇"),
    ("lisheng", "力生小区", "Lisheng Residential Compound", "partner", "醴陵市力生小区"),
    ("zhuzhou", "株洲市图书馆", "Zhuzhou Library", "partner", "湖南省株洲市"),
]

#: key, branch key (None: no branch), name, name_en, kind, capacity
VENUES = [
    ("hall", "central", "二楼共享工程室（报告厅）", "Lecture Hall (Culture-Sharing Room, 2nd floor)", "hall", 120),
    ("gallery", "central", "二楼综合活动展厅", "Exhibition and Activity Hall (2nd floor)", "exhibition", 200),
    ("children", "central", "少儿阅览室", "Children's Reading Room", "room", 80),
    ("training", "central", "培训室", "Training Room", "room", 40),
    ("blind", "central", "盲人阅览室", "Reading Room for Blind Readers", "room", 12),
    ("digital", "central", "多媒体电子阅览室", "Multimedia Digital Reading Room", "room", 50),
    ("forecourt", "central", "馆前广场", "Library Forecourt", "outdoor", None),
    ("forum", "xinghai", "星海讲坛活动室", "Xinghai Forum Room", "room", 80),
    ("classroom", "xinghai", "三点半课堂教室", "Half-Past-Three Classroom", "room", 30),
    ("donggang", "donggang", "东岗农家书屋阅览室", "Donggang Reading Room", "room", 40),
    ("bus", "bus", "流动汽车图书屋", "Mobile Book Bus", "outdoor", 20),
    ("nanmen_primary", "nanmen_primary", "南门小学礼堂", "Nanmen Primary School Hall", "external", 600),
    ("nanmen_middle", "nanmen_middle", "南门中学报告厅", "Nanmen Middle School Auditorium", "external", 500),
    ("taibeicheng", "taibeicheng", "台北城营销中心活动大厅", "Taibeicheng Sales Centre Event Hall", "external", 350),
    ("fenglin", "fenglin", "枫林镇敬老院活动室", "Fenglin Nursing Home Activity Room", "external", 80),
    ("lisheng", "lisheng", "力生小区文化广场", "Lisheng Compound Square", "external", None),
    ("zhuzhou", "zhuzhou", "株洲市图书馆报告厅", "Zhuzhou Library Lecture Hall", "external", 200),
    ("bureau", None, "醴陵市文体广电新闻出版局会议室", "Meeting Room, Liling Bureau of Culture and Press", "external", 100),
    ("online", None, "网络答题平台", "Online Quiz Platform", "online", None),
]

#: key, name, name_en
PARTNERS = [
    ("taibeicheng", "台北城", "Taibeicheng"),
    ("nanmen_primary", "南门小学", "Nanmen Primary School"),
    ("nanmen_middle", "南门中学", "Nanmen Middle School"),
    ("fenglin", "枫林镇敬老院", "Fenglin Town Nursing Home"),
    ("lisheng", "力生小区", "Lisheng Residential Compound"),
    ("xinghai", "星海明筑", "Xinghai Mingzhu"),
    ("xinshengdai", "新声代语言艺术", "Xinshengdai Language Arts"),
    ("zhuzhou", "株洲市图书馆", "Zhuzhou Library"),
    ("bureau", "醴陵市文体广电新闻出版局", "Liling Bureau of Culture, Sports, Radio, Television and Press"),
    ("ndcc", "文化部全国公共文化发展中心", "National Public Culture Development Centre, Ministry of Culture"),
    ("share_hunan", "文化共享工程湖南分中心", "Hunan Centre of the Cultural Information Sharing Project"),
    ("donggang", "茶山镇东岗村", "Donggang Village, Chashan Town"),
]

#: key, name, name_en, branch key, description, description_en
SERIES = [
    (
        "forum", "星海讲坛", "Xinghai Forum", "xinghai",
        "依托星海明筑分馆开创的品牌讲座，邀请各个行业优秀的文化志愿者进行讲座宣讲，已成为推动全民阅读的有效载体。",
        "The signature lecture series of the Xinghai Mingzhu Branch: culture volunteers from every walk of life "
        "give talks for the neighbourhood. It has become a mainstay of the library's reading promotion.",
    ),
    (
        "class", "三点半课堂", "Half-Past-Three Class", "xinghai",
        "星海明筑分馆为放学后的孩子们开设的课堂：绘本共读、书法、手工和作业时间，每个工作日15:30开课。",
        "After-school class at the Xinghai Mingzhu Branch: picture books, calligraphy, crafts and homework "
        "time, every weekday from 3:30 p.m.",
    ),
]

# --- 2018: one-off activities ------------------------------------------------------------
#
# ``when``: (day, (h, m), (h, m)) or (first day, last day, (h, m), (h, m)) for multi-day events.
# ``attendance``: how the day was recorded
#   headcount: n            one headcount of the day (WalkIn, source "headcount")
#   daily: (weekday, weekend)  a headcount every day around these means (exhibitions, trainings)
#   regs: n, party: {size: weight}, show: share checked in, walkins: n
#   target: n               walk-ins make the attendance up to n (the story-king final)
#   group: (name, size)     one registration for a whole class
#   online: True            check-ins by the contestants themselves, spread over the event

EVENTS_2018 = [
    dict(
        key="law_lecture", type="lecture", audience="staff", registration="none",
        title="《公共图书馆法》解读专题讲座（集体收看）",
        title_en="Watching together: a lecture on the Public Library Law",
        description=(
            "全体馆员集体收看由文化部全国公共文化发展中心和文化共享工程湖南分中心联合举办、"
            "北京大学教授李国新主讲的《公共图书馆法》解读专题讲座。"
        ),
        description_en=(
            "All library staff watched the lecture on the new Public Library Law given by Professor Li Guoxin "
            "of Peking University, broadcast by the National Public Culture Development Centre and the Hunan "
            "centre of the Cultural Information Sharing Project."
        ),
        when=(date(2018, 1, 15), (9, 0), (11, 0)), venue="hall", speaker="李国新（北京大学教授）",
        partners=[("ndcc", "co_organiser"), ("share_hunan", "co_organiser")],
        attendance={"headcount": 7},
    ),
    dict(
        key="fenglin", type="activity", audience="seniors", registration="none",
        title="“我们的中国梦·湖湘文化进万家”走进枫林镇敬老院文化志愿服务活动",
        title_en="Our Chinese Dream: culture volunteers visit the Fenglin Town Nursing Home",
        description=(
            "图书馆为敬老院的老人们送去了200余册书籍及生活用品，所赠书籍包括文化、生活、卫生保健及综合类图书。"
            "文化志愿者们还精心编排了节目，为老人们送上关怀，也送去了欢声笑语。"
        ),
        description_en=(
            "The library brought more than 200 donated books and daily necessities to the residents of the "
            "nursing home: books on culture, daily life and health care. Culture volunteers put on a show of "
            "songs and sketches and spent the morning with the residents."
        ),
        when=(date(2018, 1, 20), (9, 0), (11, 30)), venue="fenglin",
        partners=[("fenglin", "host")],
        attendance={"headcount": 86},
    ),
    dict(
        key="couplets", type="activity", audience="all", registration="none",
        title="“迎新春·送春联”文化志愿服务活动",
        title_en="Welcoming the Spring Festival: volunteers write couplets for everyone",
        description=(
            "文化志愿者们挥毫泼墨，从上午10点一直忙到下午5点，共书写春联150余幅，"
            "让群众提前感受到节日的气氛和中华传统民俗文化的魅力。"
        ),
        description_en=(
            "Culture volunteers wrote Spring Festival couplets with brush and ink from 10 a.m. to 5 p.m., more "
            "than 150 of them, bringing the festive mood early and showing the charm of a traditional custom."
        ),
        when=(date(2018, 2, 11), (10, 0), (17, 0)), venue="forecourt",
        attendance={"headcount": 418},
    ),
    dict(
        key="leifeng", type="activity", audience="all", registration="none",
        title="“弘扬雷锋精神，深化志愿服务”主题活动",
        title_en="Learning from Lei Feng: a volunteer service morning at the Lisheng compound",
        description=(
            "图书馆在力生小区开展学雷锋主题活动，文化志愿者用实际行动向市民传达“服务他人，奉献社会”的志愿服务理念，"
            "传承雷锋精神。"
        ),
        description_en=(
            "Culture volunteers spent the morning serving the residents of the Lisheng compound, passing on "
            "Lei Feng's spirit of serving others and giving to society."
        ),
        when=(date(2018, 3, 4), (8, 30), (11, 30)), venue="lisheng",
        partners=[("lisheng", "host")],
        attendance={"headcount": 132},
    ),
    dict(
        key="ceramics", type="exhibition", audience="all", registration="none",
        title="瓷韵醴陵——陶瓷摄影展",
        title_en="Porcelain Liling: a ceramics photography exhibition",
        description=(
            "“陶瓷摄影展”是图书馆着力打造的服务品牌之一，以镜头记录醴陵瓷器的釉色、工艺与匠人。"
        ),
        description_en=(
            "One of the library's signature exhibitions: photographs of Liling porcelain, its glazes, its "
            "craft and the people who make it."
        ),
        when=(date(2018, 3, 1), date(2018, 5, 31), (9, 0), (17, 0)), venue="gallery",
        attendance={"daily": (168, 272)},
    ),
    dict(
        key="book_day", type="activity", audience="all", registration="none",
        title="世界读书日·流动汽车图书屋进社区",
        title_en="World Book Day: the mobile book bus comes to the neighbourhood",
        description=(
            "围绕“世界读书日”，流动汽车图书屋开进社区，现场办理读书卡、借还图书并推荐好书。"
        ),
        description_en=(
            "For World Book Day the mobile book bus visited residential neighbourhoods, issuing library cards, "
            "lending books and recommending good reads on the spot."
        ),
        when=(date(2018, 4, 23), (9, 0), (16, 0)), venue="bus",
        attendance={"headcount": 263},
    ),
    dict(
        key="fire", type="training", audience="staff", registration="none",
        title="消防安全知识培训",
        title_en="Fire safety training for staff",
        description=(
            "通过观看消防安全标准化管理演示视频和讲解课件，副馆长结合图书馆消防安全现状，"
            "讲解了防火检查、扑救初期火灾、疏散人员、火场自救逃生以及报火警和使用灭火器等消防基础知识。"
        ),
        description_en=(
            "Staff watched demonstration videos on fire safety management; the deputy director then explained "
            "fire inspections, fighting a fire in its first minutes, evacuation and escape, calling the fire "
            "brigade and using extinguishers."
        ),
        when=(date(2018, 4, 24), (14, 30), (16, 30)), venue="training",
        attendance={"headcount": 7},
    ),
    dict(
        key="service_week", type="activity", audience="all", registration="none",
        title="图书馆服务宣传周·数字阅读体验日",
        title_en="Library Service Week: digital reading day",
        description=(
            "图书馆服务宣传周期间，馆员在多媒体电子阅览室指导读者使用手机移动图书馆查询、续借图书，"
            "登录数字图书馆下载数字资源。"
        ),
        description_en=(
            "During Library Service Week, staff in the multimedia reading room showed readers how to search and "
            "renew loans with the mobile library on their phones and how to download digital resources."
        ),
        when=(date(2018, 5, 26), (9, 0), (17, 0)), venue="digital",
        attendance={"headcount": 142},
    ),
    dict(
        key="zhuzhou_training", type="training", audience="staff", registration="none",
        title="株洲地区公共图书馆总分馆建设业务培训班",
        title_en="Zhuzhou-area training course on central and branch library systems",
        description=(
            "为贯彻《公共图书馆法》及《关于推进县级文化馆图书馆总分馆制建设的指导意见》，"
            "株洲市图书馆举办总分馆建设业务培训班，醴陵市图书馆派员参加。"
        ),
        description_en=(
            "To put the Public Library Law and the guidelines on county-level central and branch library "
            "systems into practice, Zhuzhou Library ran a training course; Liling Library sent its staff."
        ),
        when=(date(2018, 5, 28), (9, 0), (17, 0)), venue="zhuzhou",
        partners=[("zhuzhou", "host")],
        attendance={"headcount": 3},
    ),
    dict(
        key="children_art", type="exhibition", audience="children", registration="none",
        title="少儿美术展",
        title_en="Children's Art Exhibition",
        description=(
            "“少儿美术展”是图书馆着力打造的服务品牌之一，展出本市少年儿童的绘画作品，暑期向全市读者开放。"
        ),
        description_en=(
            "One of the library's signature exhibitions: paintings and drawings by the city's children, open "
            "to everyone through the summer holidays."
        ),
        when=(date(2018, 6, 1), date(2018, 8, 31), (9, 0), (17, 0)), venue="gallery",
        attendance={"daily": (222, 318)},
    ),
    dict(
        key="class_visit", type="visit", audience="teens", registration="open", capacity=80, max_party_size=80,
        title="南门中学202班参观图书馆",
        title_en="Class 202 of Nanmen Middle School visits the library",
        description=(
            "南门中学202班的70余名师生参观醴陵市图书馆，感受图书馆浓浓的读书氛围，"
            "拓展视野，培养喜爱阅读、学会阅读、养成阅读的良好习惯。"
        ),
        description_en=(
            "More than 70 pupils and teachers of Class 202, Nanmen Middle School, toured the library, felt its "
            "reading atmosphere and were encouraged to make reading a habit."
        ),
        when=(date(2018, 6, 1), (14, 30), (16, 30)), venue="hall",
        attendance={"group": ("南门中学202班（带队教师 刘老师）", 72)},
    ),
    dict(
        key="reporters", type="visit", audience="children", registration="open", capacity=30, max_party_size=2,
        title="新声代小记者走进图书馆",
        title_en="Xinshengdai child reporters visit the library",
        description=(
            "新声代语言艺术组织20多名小记者走进图书馆，亲身感受图书馆浓厚的书香氛围，体验移动图书馆的魅力。"
        ),
        description_en=(
            "More than 20 child reporters from Xinshengdai Language Arts visited the library to see how it "
            "works and to try out the mobile library on their phones."
        ),
        when=(date(2018, 7, 22), (9, 30), (11, 30)), venue="children",
        partners=[("xinshengdai", "co_organiser")],
        attendance={"regs": 23, "party": {1: 1}, "show": 1.0, "walkins": 2},
    ),
    dict(
        key="opening", type="activity", audience="all", registration="none",
        title="醴陵市图书馆星海明筑分馆开馆仪式",
        title_en="Opening of the Xinghai Mingzhu Branch",
        description=(
            "星海明筑分馆是醴陵首家引入社会力量建成的公益图书馆，采取“一卡通”形式，"
            "实现全株洲地区通借通还，让市民就近、方便地借还图书。"
        ),
        description_en=(
            "The Xinghai Mingzhu Branch is Liling's first public library built with a private partner. One "
            "library card now borrows and returns anywhere in the Zhuzhou area, close to where people live."
        ),
        when=(date(2018, 8, 6), (15, 0), (16, 30)), venue="forum",
        partners=[("xinghai", "co_organiser")],
        attendance={"headcount": 176},
    ),
    dict(
        key="star_online", type="competition", audience="children", registration="open", capacity=None,
        max_party_size=1,
        title="第八届“三湘少年儿童阅读之星”推选活动（醴陵）初试：网络答题",
        title_en="8th Sanxiang Young Readers' Star (Liling): online preliminary quiz",
        description=(
            "书香湖南——第八届“三湘少年儿童阅读之星”推选活动醴陵赛区初试于8月以网络答题形式进行，"
            "成绩优秀的7名中小学生进入复试。"
        ),
        description_en=(
            "The Liling preliminary of the 8th Sanxiang Young Readers' Star was an online quiz held through "
            "August; the seven best pupils went on to the second round."
        ),
        when=(date(2018, 8, 1), date(2018, 8, 31), (8, 0), (22, 0)), venue="online",
        attendance={"regs": 96, "party": {1: 1}, "show": 0.92, "online": True},
    ),
    dict(
        # Recorded by the reading room's keeper from a phone (outreach.outposts), not by staff.
        key="summer_reading", type="activity", audience="children", registration="none", by_keeper=True,
        title="“书香湖南·阅行者”暨“我的书屋我的梦”暑期少儿阅读实践活动",
        title_en="Summer reading at the Donggang village reading room",
        description=(
            "活动在茶山镇东岗农家书屋举行，一堂生动的书法体验课吸引农村少年儿童读好书、善读书、会用书，"
            "让农村孩子也感受到汉字的美好，从而爱上阅读。"
        ),
        description_en=(
            "A summer reading morning at the Donggang village reading room: a lively calligraphy lesson showed "
            "village children the beauty of Chinese characters and drew them to books."
        ),
        when=(date(2018, 8, 29), (9, 0), (11, 30)), venue="donggang",
        partners=[("donggang", "host")],
        attendance={"headcount": 46},
    ),
    dict(
        key="calligraphy", type="exhibition", audience="all", registration="none",
        title="青少年书法作品展",
        title_en="Young People's Calligraphy Exhibition",
        description=(
            "展出从全市一万多名学生作品中选出的40余件优秀作品，均出自八至十几岁孩童之手，"
            "反映了醴陵人民的文化底蕴和青少年的梦想追求。"
        ),
        description_en=(
            "More than 40 works chosen from over 10,000 entries by the city's pupils, all by children aged "
            "eight to their early teens: a picture of Liling's cultural roots and its young people's dreams."
        ),
        when=(date(2018, 9, 1), date(2018, 11, 30), (9, 0), (17, 0)), venue="gallery",
        attendance={"daily": (236, 348)},
    ),
    dict(
        key="star_second", type="competition", audience="children", registration="open", capacity=10,
        max_party_size=1,
        title="第八届“三湘少年儿童阅读之星”推选活动（醴陵）复试",
        title_en="8th Sanxiang Young Readers' Star (Liling): second round",
        description=(
            "8月份以网络答题形式通过初试的7名优秀中小学生在醴陵市图书馆二楼共享工程室参加复试。"
        ),
        description_en=(
            "The seven pupils who passed the online quiz in August met in the library's second-floor lecture "
            "hall for the second round."
        ),
        when=(date(2018, 10, 21), (9, 0), (11, 30)), venue="hall",
        attendance={"regs": 7, "party": {1: 1}, "show": 1.0},
    ),
    dict(
        key="story_a", type="competition", audience="children", registration="open", capacity=600,
        max_party_size=1,
        title="2018醴陵台北城杯“少儿故事大王”大奖赛初赛（南门小学赛场）",
        title_en="2018 Taibeicheng Cup Children's Storytelling Contest: preliminary round at Nanmen Primary School",
        description=(
            "少儿故事大王大奖赛初赛在南门小学和南门中学两个赛场举行，共有800余名选手参加，共计流通1000余人次。"
            "图书馆多名志愿者在现场协助赛会。"
        ),
        description_en=(
            "The preliminary round ran at two schools, Nanmen Primary and Nanmen Middle: more than 800 young "
            "storytellers took part, over 1,000 visits in all. Library volunteers helped run the contest."
        ),
        when=(date(2018, 11, 3), (8, 30), (17, 0)), venue="nanmen_primary",
        partners=[("taibeicheng", "naming_sponsor"), ("nanmen_primary", "host")],
        attendance={"regs": 468, "party": {1: 1}, "show": 1.0, "walkins": 118},
    ),
    dict(
        key="story_b", type="competition", audience="children", registration="open", capacity=500,
        max_party_size=1,
        title="2018醴陵台北城杯“少儿故事大王”大奖赛初赛（南门中学赛场）",
        title_en="2018 Taibeicheng Cup Children's Storytelling Contest: preliminary round at Nanmen Middle School",
        description=(
            "少儿故事大王大奖赛初赛第二赛场。两个赛场共有800余名选手参加，优胜者进入在台北城营销中心举行的决赛。"
        ),
        description_en=(
            "The second venue of the preliminary round. Across both schools more than 800 children competed; "
            "the winners went on to the final at the Taibeicheng Sales Centre."
        ),
        when=(date(2018, 11, 10), (8, 30), (17, 0)), venue="nanmen_middle",
        partners=[("taibeicheng", "naming_sponsor"), ("nanmen_middle", "host")],
        attendance={"regs": 368, "party": {1: 1}, "show": 1.0, "walkins": 96},
    ),
    dict(
        key="story_final", type="competition", audience="children", registration="open", capacity=200,
        max_party_size=3,
        title="2018醴陵台北城杯“少儿故事大王”大奖赛决赛",
        title_en="2018 Taibeicheng Cup Children's Storytelling Contest: final",
        description=(
            "决赛在台北城营销中心举行，57位小选手同台讲故事，共计流通300余人次。"
        ),
        description_en=(
            "The final at the Taibeicheng Sales Centre: 57 young storytellers on one stage, watched by more "
            "than 300 visitors."
        ),
        when=(date(2018, 11, 12), (18, 30), (21, 0)), venue="taibeicheng",
        partners=[("taibeicheng", "naming_sponsor")],
        attendance={"regs": 57, "party": {1: 2, 2: 5, 3: 3}, "show": 1.0, "target": 318},
    ),
    dict(
        key="keepers_training", type="training", audience="staff", registration="none",
        title="农家书屋管理员培训会",
        title_en="Training for village reading-room keepers",
        description=(
            "醴陵市文体广电新闻出版局开展为期四天的农家书屋管理员培训会，提升管理员业务水平，"
            "建立农家书屋长效管理机制，充分发挥农家书屋的作用。"
        ),
        description_en=(
            "A four-day course run with the city's Bureau of Culture for the keepers of village reading rooms: "
            "better day-to-day management and a lasting way of running the rooms."
        ),
        when=(date(2018, 11, 13), date(2018, 11, 16), (9, 0), (17, 0)), venue="hall",
        partners=[("bureau", "co_organiser")],
        attendance={"daily": (61, 61)},
    ),
    dict(
        key="safety_meeting", type="training", audience="staff", registration="none",
        title="安全生产工作会议暨安全培训",
        title_en="Work-safety meeting and safety training",
        description=(
            "醴陵市文体广电新闻出版局召开安全生产工作会议暨安全培训，图书馆积极参与，"
            "并结合自身实际制定宣传方案，为读者营造安全、舒适的阅读环境。"
        ),
        description_en=(
            "The Bureau of Culture held its work-safety meeting and training; the library took part and drew "
            "up its own plan to keep its reading rooms safe and comfortable."
        ),
        when=(date(2018, 11, 20), (14, 30), (17, 0)), venue="bureau",
        partners=[("bureau", "host")],
        attendance={"headcount": 4},
    ),
    dict(
        key="old_books", type="exhibition", audience="all", registration="none",
        title="古旧书籍展",
        title_en="Old Books Exhibition",
        description=(
            "图书馆结合古旧书籍展征集醴陵地方文献资料，展期内征集到相关地方文献10余册。"
        ),
        description_en=(
            "An exhibition of old books that doubled as a call for local documents: more than ten items of "
            "Liling's local literature were collected while it ran."
        ),
        when=(date(2018, 12, 3), date(2018, 12, 30), (9, 0), (17, 0)), venue="gallery",
        attendance={"daily": (132, 214)},
    ),
]

# --- 2018: 星海讲坛 (sessions 1-14) and 三点半课堂 (sessions 1-10) ----------------------

#: day, topic, topic_en, speaker, description, description_en
FORUM_2018 = [
    (date(2018, 8, 11), "阅读点亮人生", "Reading lights up a life",
     "谭志远（文化志愿者，醴陵市作家协会会员）",
     "星海讲坛开讲第一课：一位本土作家讲述阅读如何改变了他的人生。",
     "The forum's first talk: a local writer on how reading changed his life."),
    (date(2018, 8, 25), "釉下五彩——醴陵瓷的前世今生", "Underglaze colours – the story of Liling porcelain",
     "易春华（文化志愿者，陶瓷工艺美术师）",
     "从清末的釉下五彩到今天的国瓷，讲述醴陵瓷器的历史与工艺。",
     "From the underglaze colours of the late Qing to today's state porcelain: the history and craft of Liling ware."),
    (date(2018, 9, 8), "如何陪孩子读绘本", "Reading picture books with your child",
     "彭丽娟（文化志愿者，小学语文教师）",
     "一位语文老师和家长们分享亲子共读的方法和值得一读的绘本。",
     "A primary-school teacher shares ways of reading together and picture books worth reading."),
    (date(2018, 9, 15), "醴陵老街与地方记忆", "Liling's old streets and local memory",
     "曾宪文（文化志愿者，地方文史研究者）",
     "走过醴陵的老街巷，听地方文献里的故事。",
     "A walk through Liling's old streets and the stories its local records keep."),
    (date(2018, 9, 29), "中医养生与秋季保健", "Traditional Chinese medicine and staying well in autumn",
     "汤建国（文化志愿者，中医师）",
     "中医师讲解秋季饮食起居与常见病预防。",
     "A TCM doctor on food, sleep and preventing common illnesses in autumn."),
    (date(2018, 10, 13), "渌江书院的历史与文化", "The history and culture of the Lujiang Academy",
     "丁文博（文化志愿者，地方文史研究者）",
     "讲述渌江书院的沿革及其在湖湘文化中的地位。",
     "The history of the Lujiang Academy and its place in Hunan's culture."),
    (date(2018, 10, 27), "手机里的图书馆——数字阅读入门", "The library in your phone – getting started with digital reading",
     "肖雨晴（文化志愿者，图书馆学专业）",
     "手把手教读者用手机移动图书馆查询、续借图书，登录数字图书馆。",
     "Step by step: searching and renewing with the mobile library and using the digital library."),
    (date(2018, 11, 10), "瓷都匠心——陶瓷彩绘体验", "Painting on porcelain – a hands-on session",
     "黄思敏（文化志愿者，陶艺师）",
     "了解陶瓷彩绘的基本技法，并在瓷盘上画下自己的作品。",
     "Learn the basics of painting on porcelain and decorate a plate of your own."),
    (date(2018, 11, 17), "家庭急救常识", "First aid at home",
     "袁海燕（文化志愿者，急诊科护士）",
     "心肺复苏、海姆立克急救法和常见意外的处理。",
     "CPR, the Heimlich manoeuvre and what to do after common accidents."),
    (date(2018, 11, 24), "诗词里的湖湘文化", "Hunan culture in classical poetry",
     "谭志远（文化志愿者，醴陵市作家协会会员）",
     "从古典诗词中读湖湘的山水与人物。",
     "Reading Hunan's landscapes and people in classical poems."),
    (date(2018, 12, 1), "青少年心理健康与亲子沟通", "Teenagers' mental health and talking with your child",
     "邓晓岚（文化志愿者，心理咨询师）",
     "心理咨询师与家长谈青春期的心理变化和沟通方法。",
     "A counsellor talks with parents about adolescence and how to keep talking."),
    (date(2018, 12, 8), "醴陵花炮的传统与安全", "Liling fireworks – tradition and safety",
     "付国强（文化志愿者，花炮行业安全员）",
     "醴陵花炮的历史，以及节日燃放的安全常识。",
     "The history of Liling's fireworks and how to set them off safely at festivals."),
    (date(2018, 12, 15), "书法入门——汉字之美", "Beginning calligraphy – the beauty of Chinese characters",
     "欧阳建（文化志愿者，书法家协会会员）",
     "从笔墨纸砚讲起，体验书写汉字的乐趣。",
     "Brush, ink, paper and inkstone: the pleasure of writing characters by hand."),
    (date(2018, 12, 22), "年终读书分享会——我的2018书单", "Year-end reading circle – my books of 2018",
     "读者代表与文化志愿者",
     "读者和文化志愿者分享一年来读过的好书。",
     "Readers and volunteers share the best books they read this year."),
]

#: sessions 15-18, on the Saturdays after ``today``: topic, topic_en, speaker, description, description_en, capacity
FORUM_UPCOMING = [
    ("醴陵瓷器的鉴赏与收藏", "Appreciating and collecting Liling porcelain",
     "黄思敏（文化志愿者，陶艺师）",
     "怎样看釉色、辨器型，认识醴陵瓷的收藏价值。",
     "How to read glazes and shapes, and what makes a piece of Liling porcelain worth keeping.", 80),
    ("长者智能手机课堂——用手机借书、挂号和视频通话", "Smartphones for older readers – borrowing, booking and video calls",
     "肖雨晴（文化志愿者，图书馆学专业）",
     "小班教学，每位学员带上自己的手机，现场练习。名额有限。",
     "A small hands-on class: bring your own phone and practise on the spot. Places are limited.", 30),
    ("地方文献里的醴陵", "Liling in its local records",
     "丁文博（文化志愿者，地方文史研究者）",
     "从地方志、家谱和老照片中认识醴陵，欢迎带来您家中的老资料。",
     "Liling through gazetteers, family registers and old photographs; bring your own old documents.", 80),
    ("亲子共读——如何为孩子挑选好书", "Reading together – choosing good books for children",
     "彭丽娟（文化志愿者，小学语文教师）",
     "按年龄推荐书单，并现场示范亲子共读。",
     "Reading lists by age, and a live demonstration of reading together.", 80),
]

#: 三点半课堂 topics, in turn
CLASS_TOPICS = [
    ("绘本共读", "Picture-book reading"),
    ("硬笔书法", "Pen calligraphy"),
    ("手工折纸", "Paper folding"),
    ("科普小实验", "Science experiments"),
    ("故事会", "Story time"),
    ("成语接龙", "Idiom chains"),
    ("彩泥陶艺", "Modelling clay and pottery"),
    ("经典诵读", "Reading the classics aloud"),
    ("作业辅导", "Homework help"),
    ("绘画启蒙", "First steps in drawing"),
]

#: 2018 sessions: the two weeks of 3 to 14 December
CLASS_2018_DAYS = [date(2018, 12, d) for d in (3, 4, 5, 6, 7, 10, 11, 12, 13, 14)]

# --- people ----------------------------------------------------------------------------

SURNAMES = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高谭易彭丁袁邓曾肖汤付文贺钟龙") + ("欧阳",)
#: Given names: common single characters and two-character names.
GIVEN_NAMES = (
    "伟", "芳", "敏", "静", "磊", "洋", "杰", "涛", "婷", "琳", "浩", "鑫", "颖", "蕾", "丹", "辉",
    "欣怡", "梓涵", "子轩", "雨桐", "诗琪", "佳豪", "俊杰", "思远", "晨曦", "嘉怡", "博文", "一诺",
    "若溪", "沐阳", "浩然", "宇航", "雅琪", "紫涵", "可馨", "锦程", "建华", "丽娟", "海燕", "秀英",
    "桂兰", "玉兰", "春华", "红梅", "小燕", "明辉", "思琪", "子墨", "俊熙", "欣然", "梓萱", "一鸣",
    "天佑", "书瑶", "乐瑶", "语桐", "子豪", "家乐", "明轩", "晓东", "文静", "志刚", "国平", "淑芬",
)
#: The real people the report names: a generated name must never be one of them.
REAL_NAMES = frozenset({"朱发雄", "周泳岑", "周咏岑", "罗景", "李国新"})

#: Active volunteers besides the demo one: skills, availability, languages.
VOLUNTEER_SKILLS = [
    ("书法, 春联书写", {"sat": ["am", "pm"], "sun": ["am", "pm"]}),
    ("讲故事, 朗诵", {"sat": ["am"], "sun": ["pm"]}),
    ("摄影, 视频剪辑", {"sat": ["am", "pm"], "wed": ["pm"]}),
    ("急救, 护理", {"sun": ["am", "pm"]}),
    ("书法, 国画", {"sat": ["pm"], "sun": ["am", "pm"]}),
    ("文艺演出, 主持", {"sat": ["am", "pm"]}),
    ("讲故事, 绘本阅读", {"mon": ["pm"], "wed": ["pm"], "fri": ["pm"]}),
    ("计算机, 数字阅读指导", {"tue": ["pm"], "thu": ["pm"], "sat": ["am"]}),
    ("手工, 陶艺", {"sat": ["am", "pm"], "sun": ["am"]}),
    ("英语, 作业辅导", {"mon": ["pm"], "tue": ["pm"], "thu": ["pm"]}),
    ("摄影, 新闻写作", {"sat": ["am"], "sun": ["am", "pm"]}),
]
DEMO_VOLUNTEER_SKILLS = ("讲故事, 摄影, 急救", {"sat": ["am", "pm"], "sun": ["am", "pm"], "wed": ["pm"]})

#: Applicants waiting for review: skills, motivation.
APPLICANTS = [
    ("书法", "退休教师，想在周末为图书馆书写春联、指导孩子们练字。"),
    ("讲故事, 手工", "大学生，寒暑假在醴陵，希望参加三点半课堂和少儿故事大王的志愿服务。"),
]

"""A year of demo cases for the demo community, written through the case services.

`seed_cases` simulates twelve months of the back office: residents report problems (by season,
item and estate), the right staff accept, call back, dispatch, reply and resolve, residents
rate, the community follows up, the worker escalates what misses a clock and closes what nobody
rated. Every step is a service call with `now=` at its historical moment, in time order, so
every timeline is real. Deterministic (fixed seed) and idempotent (nothing if cases exist).
"""

import heapq
import itertools
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from cases import notify, services, worker
from cases.models import (
    OPEN_STATUSES,
    Action,
    Case,
    CaseEvent,
    Channel,
    Notification,
    OutboxMessage,
    Party,
    Rating,
    ReturnReason,
    Status,
)
from catalog.models import WORKING_UNITS, Item, Priority
from catalog.selectors import is_workday
from orgs.models import Building, Estate, Household, OrgUnit, Unit, User
from orgs.roles import Role
from orgs.selectors import scope_for
from residents.demo import DEMO_RESIDENT_MOBILE
from residents.models import HouseholdTie, Resident

# ---------------------------------------------------------------------------------------------
# What residents report, by item: weight, winter and summer factors, typical hours to resolve,
# and templates. Template scopes: "home" (a household), "building" (a building), "spot" (a
# public place, no building). Tokens: {b} building, {bu} building+unit, {home} full address,
# {f} floor, {spot} a public place, {dur} how long already.

WINTER = (11, 12, 1, 2, 3)
SUMMER = (6, 7, 8, 9)

APPEALS = {
    "RB01": (6, 1.0, 1.3, (2, 30)),
    "RB02": (6, 0.8, 1.7, (1, 20)),
    "RB03": (3, 1.0, 1.0, (3, 48)),
    "RB04": (3, 0.8, 1.8, (2, 24)),
    "RB05": (3, 1.0, 1.0, (0.5, 6)),
    "RB06": (4, 1.0, 1.0, (4, 72)),
    "RB07": (0.5, 1.8, 0.4, (0.4, 1.5)),
    "RB08": (1, 0.6, 1.5, (24, 240)),
    "RB09": (4, 1.2, 1.0, (2, 48)),
    "RB10": (1.5, 1.0, 1.0, (1, 24)),
    "RB11": (5, 0.7, 1.7, (2, 72)),
    "RB12": (4, 0.7, 1.5, (2, 72)),
    "RB13": (1, 0.6, 1.3, (72, 300)),
    "RB14": (2, 1.0, 1.0, (24, 200)),
    "RB15": (3.5, 1.8, 1.1, (0.6, 1.8)),
    "RB16": (0.6, 1.0, 1.0, (0.3, 1.0)),
    "RB17": (7, 1.0, 1.0, (3, 48)),
    "RB18": (3, 1.6, 1.3, (2, 18)),
    "RB19": (6, 1.3, 0.8, (4, 48)),
    "RB20": (5, 1.0, 1.0, (3, 48)),
    "RB21": (0, 0, 0, (3, 20)),  # the heating season, see _weight
    "RB22": (3, 0.2, 2.2, (24, 120)),
    "RB23": (1.5, 0.2, 1.8, (24, 150)),
    "RB24": (9, 1.0, 1.0, (0.5, 12)),
    "RB25": (3, 0.9, 1.2, (4, 72)),
    "RB26": (1, 1.0, 1.0, (72, 300)),
}

SERVICES = {
    "PW01": (3, 1.2, 1.0),
    "PW02": (3, 1.0, 1.0),
    "PW04": (1.5, 1.0, 0.8),
    "PW05": (1, 1.0, 1.0),
    "PW06": (2, 1.0, 0.3),
    "PW09": (0.3, 1.5, 2.5),
    "PW11": (2, 1.0, 1.0),
    "PW12": (0.6, 1.0, 1.0),
    "PW13": (1.5, 1.0, 1.0),
    "PW15": (1.5, 1.0, 1.0),
    "CV001": (3, 1.0, 1.0),
    "CV002": (3, 1.0, 1.0),
    "CV003": (3, 1.0, 1.0),
    "CV006": (2, 1.2, 0.8),
    "CV007": (1.5, 1.0, 1.0),
    "CV008": (1.5, 1.1, 1.3),
    "CV010": (1, 1.0, 1.0),
    "CV011": (0.3, 0.1, 4.0),
    "CV016": (0.5, 5.0, 0.0),
    "CV019": (0.3, 0.0, 5.0),
    "CV020": (0.2, 0.0, 5.0),
    "CV028": (1, 1.6, 0.6),
    "CV036": (2, 1.2, 1.0),
    "CV045": (0.5, 0.2, 3.5),
    "CV047": (1, 1.0, 1.0),
    "CV053": (1.5, 1.0, 1.0),
    "CV056": (1.5, 1.0, 1.0),
    "CV089": (1, 1.0, 1.0),
    "CV091": (1.5, 1.2, 1.0),
    "CV095": (2, 1.0, 1.0),
    "CV101": (1.5, 1.0, 1.0),
    "CV102": (1, 1.0, 1.0),
}

ASK = {
    "RB01": [
        ("building", "{bu}楼道好久没人打扫了，地上有不少垃圾和污渍"),
        ("building", "{b}电梯轿厢里有宠物尿渍，味道很大，麻烦安排保洁"),
        ("spot", "{spot}地上全是落叶和烟头，{dur}没人清扫"),
        ("building", "{bu}楼梯扶手积了一层灰，楼道窗户也很脏"),
    ],
    "RB02": [
        ("spot", "{spot}的垃圾桶满了溢出来，{dur}没有清运"),
        ("building", "{b}楼下的厨余垃圾桶臭味很大，招了很多苍蝇蚊子"),
        ("spot", "有人在{spot}乱扔装修垃圾，堆成了小山"),
    ],
    "RB03": [
        ("building", "{bu}楼道墙上贴满了开锁、疏通的小广告"),
        ("building", "{b}单元门和电梯里被人喷涂了办证电话，很难看"),
    ],
    "RB04": [
        ("building", "{b}旁边的下水道井盖往外冒污水，味道很难闻"),
        ("spot", "{spot}的污水管道堵了，污水漫到路面上"),
        ("home", "{home}卫生间地漏往上冒脏水，厨房下水也返味"),
        ("building", "{b}地下室污水管漏水了，污水流了一地"),
    ],
    "RB05": [
        ("building", "{b}前面的消防通道被私家车堵死了，{dur}"),
        ("spot", "有人在{spot}的消防通道上停车、堆杂物，出了事消防车进不来"),
    ],
    "RB06": [
        ("building", "{bu}{f}楼道里堆满了纸箱和旧家具，过道只剩一条缝"),
        ("building", "邻居在{bu}楼梯间堆放杂物，存在火灾隐患"),
        ("building", "{bu}楼道里有人放了好几袋废品和旧床垫，{dur}"),
    ],
    "RB07": [
        ("building", "{bu}楼道里有很浓的燃气味，怀疑哪家漏气了，请马上来人"),
        ("home", "{home}门口闻到煤气味，不敢开灯，请尽快来查看"),
    ],
    "RB08": [
        ("building", "{b}楼上有人往下扔垃圾，差点砸到楼下的老人"),
        ("building", "{b}楼下经常有烟头和果皮从楼上扔下来，车上也被砸过"),
    ],
    "RB09": [
        ("building", "{b}有人从{f}窗户拉电线下来给电动车充电，很危险"),
        ("building", "{bu}有人把电动车推进楼道充电，还有人推进电梯"),
    ],
    "RB10": [
        ("building", "最近总有推销人员跟着进{bu}单元门，挨家挨户敲门"),
        ("spot", "{spot}晚上总有陌生人转悠，门岗也不登记"),
    ],
    "RB11": [
        ("home", "{home}楼上{dur}每天晚上十一点以后还在拖东西、跺脚"),
        ("spot", "{spot}跳广场舞的音响声音太大，晚上九点多还在放"),
        ("building", "{b}有一户装修，中午和周末也在打电钻"),
    ],
    "RB12": [
        ("building", "{b}楼下有人遛狗不牵绳，孩子被吓哭了"),
        ("spot", "{spot}的草坪上到处是狗屎，没人清理"),
        ("building", "{bu}有户人家的狗整夜叫，吵得睡不着"),
    ],
    "RB13": [
        ("building", "{b}一楼住户在院子里私搭了一个彩钢棚"),
        ("building", "{b}顶楼有人在楼顶加盖房子，施工好几天了"),
    ],
    "RB14": [
        ("home", "楼上装修把我家卫生间顶棚弄渗水了，沟通了几次没结果，希望社区帮忙调解"),
        ("home", "和对门邻居因为门口放鞋柜的事吵了几次，想请社区出面协调"),
        ("home", "楼上空调外机的水一直滴在我家窗台上，邻居不愿处理"),
    ],
    "RB15": [
        ("home", "{home}楼上漏水，卫生间天花板一直在滴水"),
        ("building", "{bu}{f}楼道水管跑水了，楼梯上全是水，正往楼下流"),
        ("home", "{home}厨房墙角的水管漏水，地板都泡了"),
    ],
    "RB16": [
        ("building", "{bu}电梯困人了！有位老人被困在电梯里，请马上来人"),
        ("building", "我被困在{b}电梯里了，电梯停在两层之间不动，请快来人"),
    ],
    "RB17": [
        ("building", "{bu}电梯{dur}一直坏着，楼上老人下不了楼"),
        ("building", "{b}电梯运行时有很大异响，还会突然顿一下，不敢坐"),
        ("building", "{bu}电梯按键失灵，按了{f}不停"),
    ],
    "RB18": [
        ("building", "{b}突然停水了，也没有看到停水通知"),
        ("home", "{home}水压特别低，楼上几层基本没水"),
        ("home", "家里自来水发黄，有一股铁锈味，{dur}"),
        ("building", "{b}地下室水管漏水，整栋楼都停水了"),
    ],
    "RB19": [
        ("building", "{bu}楼道灯坏了{dur}，晚上看不清台阶"),
        ("spot", "{spot}的路灯不亮了，晚上特别黑"),
        ("building", "{bu}声控灯不灵敏，跺脚也不亮"),
    ],
    "RB20": [
        ("building", "{bu}单元门门禁坏了，刷卡开不了门"),
        ("building", "{bu}单元门闭门器坏了，门一直关不上"),
        ("building", "{bu}可视对讲不能用了，访客按门铃家里听不到"),
    ],
    "RB21": [
        ("home", "{home}暖气不热，室温只有十五六度，家里有老人孩子"),
        ("home", "{home}暖气片上热下凉，{dur}"),
        ("home", "今年供暖后家里一直不热，卧室的暖气片是凉的"),
    ],
    "RB22": [
        ("building", "{b}窗前的树枝太长，挡光，还伸进了阳台"),
        ("spot", "{spot}的草好久没修剪了，长得很高，蚊子特别多"),
        ("spot", "{spot}的树有病虫害，叶子上全是虫子，掉得满地都是"),
    ],
    "RB23": [
        ("building", "{b}楼下有住户把绿地挖了种菜，还浇粪水，味道很大"),
        ("spot", "有人在{spot}的草坪上圈地种菜"),
    ],
    "RB24": [
        ("building", "{b}门口天天有车乱停，把路堵死了"),
        ("spot", "我的固定车位被别人占了，{dur}"),
        ("spot", "{spot}有车长期停在路口拐角，影响会车"),
    ],
    "RB25": [
        ("spot", "{spot}的电动车充电桩扫码充不了电"),
        ("spot", "{spot}的充电棚里好几个插座坏了，充电桩屏幕也不亮"),
    ],
    "RB26": [
        ("spot", "{spot}有一辆破旧轿车停了一年多了，落满了灰，轮胎都瘪了"),
        ("spot", "{spot}车棚里堆了很多废旧自行车，占了好多位置"),
    ],
}

SERVICE_ASK = {
    "PW01": "我母亲一个人住在{home}，八十多岁了，想请志愿者定期上门看看她",
    "PW02": "家里老人做饭不方便，想申请长者食堂的助餐送餐，{when}开始",
    "PW04": "想报名学用智能手机，主要想学视频通话和网上挂号",
    "PW05": "家里老人独居，想申领一键呼叫设备",
    "PW06": "孩子放学后没人接，想报名“在城长”四点半课堂",
    "PW09": "假期孩子在家没人看，想报名社区的假期托管班",
    "PW11": "想预约{when}的健康义诊，给家里老人量量血压、测测血糖",
    "PW12": "最近总是失眠，心情也不好，想预约心理咨询",
    "PW13": "家里老人有高血压，想签约家庭医生",
    "PW15": "关于房屋继承的问题想咨询一下律师",
    "CV001": "厨房下水道堵了，排水特别慢，想约师傅{when}上门疏通",
    "CV002": "卫生间马桶堵了，冲不下去，麻烦{when}安排师傅上门",
    "CV003": "厨房水龙头关不严，一直滴水，想换个新的，{when}在家",
    "CV006": "客厅吸顶灯坏了，想请师傅{when}上门更换",
    "CV007": "卧室插座接触不良，还有点发烫，想换一个",
    "CV008": "家里老是跳闸，想请电工{when}上门检查线路",
    "CV010": "钥匙锁在家里了，进不去门，请尽快安排开锁",
    "CV011": "蚊子太多，想换纱窗，家里三个窗户，{when}有人",
    "CV016": "快供暖了，想请师傅{when}上门给暖气放放气、检查一下阀门",
    "CV019": "天热了，想约空调清洗，家里两台挂机，{when}有空",
    "CV020": "空调不制冷，可能要加氟，{when}在家",
    "CV028": "热水器不加热了，洗不了澡，想约师傅{when}来修",
    "CV036": "想约日常保洁，三室一厅，{when}上门",
    "CV045": "厨房蟑螂特别多，想约上门消杀",
    "CV047": "老人刚出院，想找个陪护照顾几天",
    "CV053": "想约理发师傅{when}上门理发",
    "CV056": "家里老人卧床，出不了门，想约上门理发",
    "CV089": "这几天出差，想请物业帮忙代收快递",
    "CV091": "老人的降压药吃完了，想请志愿者帮忙代买",
    "CV095": "家里换了新沙发，旧沙发和床垫需要清运，{when}在家",
    "CV101": "想办理退休人员医保报销，不太懂流程，请社区帮办",
    "CV102": "想给家里老人办老年优待证，需要准备什么材料",
}

SERVICE_DONE = {
    "PW01": "志愿者已上门探访，老人身体状况良好，已建立每周结对探访",
    "PW02": "已为老人登记助餐，长者食堂每天中午送餐上门",
    "PW04": "已为居民报名本周银龄手机课堂，志愿者一对一教学",
    "PW05": "一键呼叫设备已上门安装调试，已教会老人使用",
    "PW06": "已为孩子报名四点半课堂，每天放学后在社区书屋上课",
    "PW09": "已为孩子报名假期托管班，开班时间已电话告知",
    "PW11": "已在义诊现场为老人测量血压血糖，医生给出了用药建议",
    "PW12": "已为居民安排心理咨询师面谈，后续按需预约",
    "PW13": "家庭医生已上门签约并建立健康档案",
    "PW15": "已为居民预约律师驻点咨询，律师已解答相关问题",
    "CV101": "已帮助居民准备材料并完成医保报销申请",
    "CV102": "老年优待证已代办完成，已送到居民家中",
}

REPLY = {
    "facility": [
        "维修师傅已到现场，正在排查原因",
        "已安排维修师傅上门，请保持电话畅通",
        "配件已订购，到货后立即更换",
        "师傅已初步检查，需要更换零件，今天下午处理",
    ],
    "order": [
        "已安排秩序维护员到现场查看",
        "已联系相关住户，正在沟通处理",
        "已张贴提示，并安排人员加强巡查",
    ],
    "clean": [
        "已安排保洁员前往清理",
        "保洁班组已到场，正在清理",
    ],
    "green": [
        "已安排绿化班组现场查看，排期修剪",
        "已联系园林公司，近期安排处理",
    ],
    "community": [
        "网格员已上门了解情况，正在协调",
        "社区已约双方当面沟通",
        "社区已联系相关部门，正在协调处理",
    ],
    "service": [
        "已联系服务人员，按约定时间上门",
        "已为您预约，服务人员会提前电话联系",
    ],
}

KIND_OF = {
    **dict.fromkeys(["RB04", "RB07", "RB15", "RB16", "RB17", "RB18", "RB19"], "facility"),
    **dict.fromkeys(["RB20", "RB21", "RB25"], "facility"),
    **dict.fromkeys(["RB05", "RB06", "RB08", "RB09", "RB10", "RB11", "RB12"], "order"),
    **dict.fromkeys(["RB24", "RB26"], "order"),
    **dict.fromkeys(["RB01", "RB02", "RB03"], "clean"),
    **dict.fromkeys(["RB22", "RB23"], "green"),
    **dict.fromkeys(["RB13", "RB14"], "community"),
}
TECHNICAL = {"RB04", "RB07", "RB15", "RB16", "RB17", "RB18", "RB19", "RB20", "RB21", "RB25"}
TECHNICAL |= {"CV003", "CV006", "CV007", "CV008", "CV016", "CV095"}
RETURNABLE = {"RB08": 0.3, "RB13": 0.0, "RB23": 0.15, "RB26": 0.2, "RB10": 0.08, "RB04": 0.04}
TRANSFERABLE = {"RB11": 0.12, "RB12": 0.08, "RB06": 0.05}
WHISTLE = {"RB13": 0.35, "RB26": 0.25, "RB08": 0.2, "RB23": 0.15}
BUILDING_WIDE = ["RB17", "RB18", "RB19", "RB20", "RB24"]

DONE = {
    "RB01": "已安排保洁员对{where}全面清扫拖洗，后续加强日常巡查",
    "RB02": "已清运{where}的垃圾并对垃圾桶消杀，调整为每天清运两次",
    "RB03": "已清除{where}的小广告和喷涂，并在单元门张贴文明提示",
    "RB04": "已疏通{where}的污水管道并清理路面，管道恢复通畅",
    "RB05": "已联系车主挪车，消防通道已恢复畅通，增设了禁停标识",
    "RB06": "已与住户沟通，{where}楼道堆物已清理完毕",
    "RB07": "维修人员已到场排查，关闭阀门并通知燃气公司处置，现已无异味",
    "RB08": "已在{where}张贴警示，调取监控并逐户走访提醒，将加装高空监控",
    "RB09": "已拆除{where}的私拉电线，并提醒住户到充电棚充电",
    "RB10": "已加强门岗登记和巡逻，推销人员一律不得进入小区",
    "RB11": "已上门与相关住户沟通，对方表示会注意控制噪音",
    "RB12": "已与养犬住户沟通，要求文明养犬、牵绳遛狗并清理粪便",
    "RB13": "经联合执法，{where}的违建已拆除，现场已恢复原状",
    "RB14": "经社区调解，双方达成一致意见，矛盾已化解",
    "RB15": "维修师傅已关阀止水，更换了破损管件，现场已清理",
    "RB16": "维修人员已到场解救被困人员，人员安全，电梯已检修恢复运行",
    "RB17": "已更换电梯故障部件，电梯经检测恢复正常运行",
    "RB18": "已检修二次供水设备，{where}供水已恢复正常",
    "RB19": "已更换{where}的灯泡和声控开关，照明恢复正常",
    "RB20": "已维修{where}的门禁和闭门器，现在可以正常刷卡开门",
    "RB21": "已对暖气管道排气并调节阀门，室温恢复到20度以上",
    "RB22": "绿化班组已对{where}的树木进行修剪和病虫害防治",
    "RB23": "已与住户沟通，菜地已清理并补种了草皮",
    "RB24": "已联系车主挪车，并在{where}施划了禁停标线",
    "RB25": "已更换损坏的插座和充电模块，充电桩恢复使用",
    "RB26": "已联系车主处理，无主车辆经公示后已拖离",
}

SPOTS = [
    "小区东门口",
    "小区南门",
    "地下车库入口",
    "中心花园",
    "健身器材旁边",
    "垃圾分类亭",
    "快递柜旁边",
    "小区主干道",
    "幼儿园门口",
    "非机动车棚",
]
DURATIONS = ["好几天了", "两三天了", "一个多星期了", "从昨天晚上开始", "今天早上发现的"]
TAILS = [
    "麻烦尽快处理，谢谢！",
    "希望尽快来看看。",
    "家里有老人孩子，很不方便。",
    "已经不是第一次了，希望彻底解决。",
    "谢谢！",
]
CONTACT_NOTES = {
    "company": [
        "已电话联系居民，了解具体情况",
        "已与居民电话沟通，约好上门时间",
        "客服已回电，确认了具体位置",
        "已联系报事人，师傅正在赶往现场",
    ],
    "emergency": ["已电话联系，维修师傅正在赶往现场", "已通知值班维修人员立即到场"],
    "community": [
        "网格员已电话联系居民，了解了情况",
        "已与居民沟通，约定上门时间",
        "社区已回电，说明了办理流程",
    ],
}
INTERNAL_NOTES = [
    "需要采购配件，已报备经理",
    "该户此前反映过类似问题，注意回访",
    "已拍照留存，等待厂家答复",
    "已与业委会沟通，费用从公共收益中列支",
]
RESIDENT_REPLIES = [
    "师傅大概几点能到？",
    "好的，谢谢，我下午都在家",
    "收到，辛苦了",
    "今天还是没有弄好，麻烦再看看",
]
RETURN_NOTES = {
    ReturnReason.OWNERSHIP_UNCLEAR: "该处产权和管理责任不清，不属于物业服务范围，请社区研判",
    ReturnReason.OVERLAPPING_DUTIES: "此事需执法部门调查处置，物业只能协助，请社区协调",
    ReturnReason.WRONG_LOCATION: "报事位置不在本物业服务范围内，请核实后转办",
}
EXTENSION_REASONS = [
    "故障部件需厂家调货，预计一周内到货",
    "需协调相关业主共同出资维修，需要延期",
    "需待天气转好后施工",
    "需联系管线产权单位共同处理",
]
COMMENTS = {
    Rating.SATISFIED: [
        "",
        "处理很及时，谢谢！",
        "师傅很负责，点赞",
        "速度很快，态度也好",
        "",
        "问题解决了，感谢物业和社区",
    ],
    Rating.BASIC: ["", "问题解决了，就是等的时间有点长", "基本解决了，希望以后多巡查"],
    Rating.DISSATISFIED: [
        "修完没两天又坏了",
        "拖了好几天才来人",
        "问题没有根本解决",
        "回复很敷衍",
    ],
}
TAGS = {
    Rating.SATISFIED: ["fast", "polite", "thorough"],
    Rating.BASIC: ["polite", "slow"],
    Rating.DISSATISFIED: ["slow", "not_fixed", "unfriendly"],
}


def _weight(code: str, table: dict, day: datetime) -> float:
    if code == "RB21":  # Qingdao heats from mid-November to early April
        if (day.month, day.day) >= (11, 12) or day.month <= 3:
            return 16 if day.month in (11, 12) else 10
        return 0
    base, winter, summer = table[code][:3]
    return base * (winter if day.month in WINTER else summer if day.month in SUMMER else 1)


MONTH_VOLUME = {1: 1.1, 2: 0.8, 3: 0.9, 4: 0.85, 5: 0.9, 6: 1.0, 7: 1.15, 8: 1.15}
MONTH_VOLUME |= {9: 0.95, 10: 0.85, 11: 1.1, 12: 1.2}
HOURS = [0.1, 0.05, 0.05, 0.05, 0.1, 0.3, 1, 3, 6, 8, 8, 6, 4, 4, 6, 7, 7, 6, 6, 7, 7, 5, 3, 1]

# The forced end states of the most recent cases: every open state is on show.
FATES = [
    "fresh",
    "unaccepted",
    "accepted",
    "in_progress",
    "returned",
    "reopened",
    "resolved",
    "overdue",
    "extension",
    "supervised",
    "in_progress",
    "resolved",
]
FATE_AGE_HOURS = {
    "fresh": (0.1, 0.8),
    "unaccepted": (8, 40),
    "accepted": (0.7, 1.6),
    "in_progress": (24, 72),
    "returned": (4, 30),
    "reopened": (120, 216),
    "resolved": (48, 96),
    "overdue": (216, 330),
    "extension": (72, 120),
    "supervised": (48, 120),
}
FATE_ITEMS = ["RB19", "RB20", "RB24", "RB06", "RB01", "RB12", "RB09"]


def _m(minutes: float) -> timedelta:
    return timedelta(minutes=minutes)


def _h(hours: float) -> timedelta:
    return timedelta(hours=hours)


def _ceil_minute(t: datetime) -> datetime:
    floor = t.replace(second=0, microsecond=0)
    return floor if floor == t else floor + timedelta(minutes=1)


def _daytime(t: datetime, rng: random.Random, start=8, end=20) -> datetime:
    """Move `t` into the working part of the day (local time) if it falls at night."""
    local = timezone.localtime(t)
    if start <= local.hour < end:
        return t
    day = local if local.hour >= start else local - timedelta(days=1)
    morning = (day + timedelta(days=1)).replace(hour=start, minute=0, second=0, microsecond=0)
    return morning + _m(rng.uniform(0, 90))


# ---------------------------------------------------------------------------------------------
# The world as loaded once: structure, people, catalogue and staff.


class _World:
    def __init__(self):
        self.units = {u.pk: u for u in OrgUnit.objects.all()}
        for unit in self.units.values():
            unit.parent = self.units.get(unit.parent_id)
        self.estates = list(Estate.objects.select_related("company").order_by("id"))
        for estate in self.estates:
            estate.community = self.units[estate.community_id]
        estates = {e.pk: e for e in self.estates}
        buildings = {b.pk: b for b in Building.objects.all()}
        for building in buildings.values():
            building.microgrid = self.units[building.microgrid_id]
            building.estate = estates[building.estate_id]
        units = {u.pk: u for u in Unit.objects.all()}
        for unit in units.values():
            unit.building = buildings[unit.building_id]
        self.households = {}
        for household in Household.objects.all():
            household.unit = units[household.unit_id]
            self.households[household.pk] = household
        self.people = {}  # household id -> [resident id], the head of the household first
        ties = HouseholdTie.objects.order_by("id")
        for household_id, resident_id in ties.values_list("household_id", "resident_id"):
            self.people.setdefault(household_id, []).append(resident_id)
        self.homes = {e.pk: [] for e in self.estates}  # inhabited households per estate
        for household_id in sorted(self.people):
            household = self.households[household_id]
            self.homes[household.unit.building.estate_id].append(household)
        self.born = dict(Resident.objects.values_list("id", "birth_date"))
        self.items = {
            i.code: i
            for i in Item.objects.filter(is_active=True)
            .exclude(kind=Item.Kind.INFO)
            .select_related("sla", "domain")
        }
        self.demo_resident = Resident.objects.filter(mobile=DEMO_RESIDENT_MOBILE).first()
        self.cast = _Cast()

    @property
    def ready(self) -> bool:
        return bool(self.items and any(self.homes.values()) and self.cast.users)


class _Cast:
    """The demo staff, with their scopes, and who covers which place in which role."""

    def __init__(self):
        self.users = list(
            User.objects.filter(memberships__is_active=True, is_active=True)
            .distinct()
            .order_by("username")
        )
        self.scopes = {u.pk: scope_for(u) for u in self.users}
        self._cache = {}

    def covering(self, *, area_path: str, company_id, roles) -> list[User]:
        key = (area_path, company_id, tuple(roles))
        if key not in self._cache:
            found = []
            for user in self.users:
                scope = self.scopes[user.pk]
                if scope.primary_role not in roles:
                    continue
                paths = scope.partner_paths if scope.primary_role == Role.PARTNER else ()
                paths = paths or scope.org_paths
                if company_id in scope.company_ids or any(area_path.startswith(p) for p in paths):
                    found.append(user)
            self._cache[key] = found
        return self._cache[key]


@dataclass
class _Crew:
    """Who acts on one case, by role."""

    desk: list  # property manager and staff
    tech: list
    managers: list
    grid: list  # micro-grid leader and grid worker
    community: list  # community staff
    secretary: list
    subdistrict: list
    partner: list

    @property
    def routers(self) -> list:
        return self.community + self.secretary


@dataclass
class _Story:
    n: int
    rng: random.Random
    created: datetime
    item: Item
    estate: Estate
    household: Household
    resident_id: int
    channel: str
    fate: str = "normal"
    primary: "_Story | None" = None
    case: Case | None = None
    preferred: datetime | None = None
    next_at: datetime | None = None
    gen: object = None
    tokens: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------------------------
# The simulation


STORY, TICK = 0, 1


class _Simulation:
    def __init__(self, world: _World, rng: random.Random, today: datetime):
        self.w = world
        self.rng = rng
        self.today = today
        self.start = today - timedelta(days=365)
        self.heap = []
        self.seq = itertools.count()
        self.ticks = set()
        self.clock = self.start
        self.by_case = {}
        self.created = 0
        self.residents = {}
        cast = world.cast
        self.handled, self.unhandled = [], []
        for estate in world.estates:
            if not world.homes[estate.pk]:
                continue
            path = estate.community.path
            company = estate.company_id
            desk = cast.covering(
                area_path=path,
                company_id=company,
                roles=(Role.PROPERTY_MANAGER, Role.PROPERTY_STAFF),
            )
            community = cast.covering(
                area_path=path,
                company_id=None,
                roles=(Role.COMMUNITY_STAFF, Role.COMMUNITY_SECRETARY),
            )
            if community and (desk or not company):
                self.handled.append(estate)
            else:
                self.unhandled.append(estate)

    # -- planning -----------------------------------------------------------------------------

    def plan(self, count: int) -> list[_Story]:
        rng = self.rng
        if not self.handled:
            return []
        n_unhandled = min(count // 150, count) if self.unhandled else 0
        n_forced = min(max(12, count // 100), count - n_unhandled)
        n_dups = (count - n_unhandled - n_forced) // 50
        n_normal = count - n_unhandled - n_forced - n_dups
        days = [self.start + timedelta(days=d) for d in range(366)]
        weights = [
            MONTH_VOLUME[timezone.localtime(d).month]
            * (1 if is_workday(timezone.localdate(d)) else 0.85)  # fewer on days off
            for d in days
        ]
        stories = []
        for _ in range(n_normal):
            stories.append(self._story(self._when(days, weights)))
        stories.sort(key=lambda s: s.created)
        # The demo resident has a history of her own.
        demo = self.w.demo_resident
        demo_home = None
        if demo is not None:
            demo_home = next(
                (self.w.households[h] for h, people in self.w.people.items() if demo.pk in people),
                None,
            )
        if demo_home is not None and demo_home.unit.building.estate not in self.handled:
            demo_home = None
        if demo_home is not None:
            for k in range(1, min(5, len(stories) // 40) + 1):
                index = len(stories) * k // 6
                stories[index] = self._story(
                    stories[index].created,
                    household=demo_home,
                    resident_id=demo.pk,
                    channel=Channel.WEB,
                )
        # Duplicates: a neighbour reports the same building-wide problem shortly after.
        primaries = [
            s
            for s in stories
            if s.item.code in BUILDING_WIDE and s.tokens.get("scope") == "building"
        ]
        made = 0
        for primary in rng.sample(primaries, min(n_dups, len(primaries))):
            building = primary.household.unit.building
            neighbours = [
                h
                for h in self.w.homes[primary.estate.pk]
                if h.unit.building_id == building.pk and h.pk != primary.household.pk
            ]
            created = primary.created + _m(rng.uniform(10, 240))
            if not neighbours or created >= self.today:
                continue
            made += 1
            dup = self._story(
                created,
                household=rng.choice(neighbours),
                item=primary.item,
                channel=Channel.WEB,
            )
            dup.primary = primary
            stories.append(dup)
        for _ in range(n_dups - made):
            stories.append(self._story(self._when(days, weights)))
        # The most recent weeks: forced end states, and the estates nobody in the demo covers.
        for k in range(n_forced):
            fate = FATES[k % len(FATES)]
            low, high = FATE_AGE_HOURS[fate]
            created = self.today - _h(rng.uniform(low, high))
            item = self.w.items.get(rng.choice(FATE_ITEMS))
            mine = demo_home is not None and k in (3, 6)
            story = self._story(
                created,
                item=item,
                channel=Channel.WEB,
                fate=fate,
                household=demo_home if mine else None,
                resident_id=demo.pk if mine else None,
            )
            stories.append(story)
        for _ in range(n_unhandled):
            created = self.today - _h(rng.uniform(2, 24 * 30))
            estate = rng.choice(self.unhandled)
            item = self.w.items.get(rng.choice(FATE_ITEMS))
            stories.append(
                self._story(
                    created, estate=estate, item=item, channel=Channel.WEB, fate="unhandled"
                )
            )
        stories.sort(key=lambda s: (s.created, s.n))
        return stories

    def _when(self, days, weights) -> datetime:
        rng = self.rng
        while True:
            day = timezone.localtime(rng.choices(days, weights)[0])
            hour = rng.choices(range(24), HOURS)[0]
            at = day.replace(hour=hour, minute=0, second=0, microsecond=0)
            at += timedelta(seconds=rng.randrange(3600))
            if self.start < at < self.today - _m(10):
                return at

    def _story(
        self,
        created,
        *,
        estate=None,
        household=None,
        resident_id=None,
        item=None,
        channel=None,
        fate="normal",
    ) -> _Story:
        rng = self.rng
        w = self.w
        if household is not None:
            estate = household.unit.building.estate
        if estate is None:
            estate = self._pick_estate()
        if household is None:
            household = rng.choice(w.homes[estate.pk])
        if resident_id is None:
            resident_id = self._pick_resident(household, created)
        if item is None:
            item = self._pick_item(created)
        age = self._age(resident_id, created)
        if channel is None:
            elderly = age >= 65
            channel = rng.choices(
                [Channel.WEB, Channel.PHONE, Channel.WALK_IN, Channel.DOOR_KNOCK],
                [45, 30, 15, 10] if elderly else [78, 12, 6, 4],
            )[0]
        story = _Story(
            n=next(self.seq),
            rng=random.Random(rng.random()),
            created=created,
            item=item,
            estate=estate,
            household=household,
            resident_id=resident_id,
            channel=channel,
            fate=fate,
        )
        story.tokens = self._text(story)
        return story

    def _pick_estate(self) -> Estate:
        weights = [{"fcl": 55, "hcy": 45}.get(e.code, 5 if e.code else 1) for e in self.handled]
        return self.rng.choices(self.handled, weights)[0]

    def _pick_item(self, created) -> Item:
        rng = self.rng
        local = timezone.localtime(created)
        table = SERVICES if rng.random() < 0.15 else APPEALS
        codes = [c for c in table if c in self.w.items]
        if not codes:
            codes = [c for c in APPEALS if c in self.w.items] or sorted(self.w.items)
            table = APPEALS
        weights = [_weight(c, table, local) if c in table else 1 for c in codes]
        if not any(weights):
            weights = [1] * len(codes)
        return self.w.items[rng.choices(codes, weights)[0]]

    def _age(self, resident_id, created) -> int:
        born = self.w.born.get(resident_id)
        return (created.date() - born).days // 365 if born else 40

    def _pick_resident(self, household, created) -> int:
        people = self.w.people[household.pk]
        adults = [r for r in people if self._age(r, created) >= 18] or people
        return adults[0] if self.rng.random() < 0.6 else self.rng.choice(adults)

    def _text(self, s: _Story) -> dict:
        rng = s.rng
        h = s.household
        building = h.unit.building
        tokens = {
            "b": building.name,
            "bu": f"{building.name}{h.unit.name}",
            "home": f"{building.name}{h.unit.name}{h.number}",
            "f": f"{h.floor}楼",
            "spot": rng.choice(SPOTS),
            "dur": rng.choice(DURATIONS),
        }
        if s.item.kind == Item.Kind.SERVICE:
            s.preferred = _daytime(
                s.created + _h(rng.choice([18, 24, 26, 44, 48, 50]) + rng.uniform(-2, 2)),
                rng,
                start=9,
                end=19,
            )
            tokens["when"] = self._when_text(s.created, s.preferred)
            template = SERVICE_ASK.get(s.item.code, "想预约{item}服务，{when}在家，麻烦安排")
            text = template.format(item=s.item.name, **tokens) + "。"
            return tokens | {"scope": "home", "description": text, "where": tokens["home"]}
        s.preferred = None
        scope, template = rng.choice(
            ASK.get(s.item.code) or [("building", "{bu}的" + s.item.name + "问题，{dur}")]
        )
        text = template.format(**tokens)
        if rng.random() < 0.4:
            text += "，" + rng.choice(TAILS)
        elif not text.endswith(("！", "。")):
            text += "。"
        where = {"home": tokens["home"], "building": tokens["bu"], "spot": tokens["spot"]}
        return tokens | {"scope": scope, "description": text, "where": where[scope]}

    @staticmethod
    def _when_text(created, preferred) -> str:
        a, b = timezone.localtime(created), timezone.localtime(preferred)
        days = (b.date() - a.date()).days
        day = {0: "今天", 1: "明天", 2: "后天"}.get(days, f"{b.month}月{b.day}日")
        return day + ("上午" if b.hour < 12 else "下午" if b.hour < 18 else "晚上")

    # -- resident accounts --------------------------------------------------------------------

    def accounts(self, stories: list[_Story]) -> None:
        """Residents who report on the web or rate have signed in once: they have an account
        (as the one-time-code sign-in would have created it) and consented on that day."""
        first = {}
        for s in stories:
            first.setdefault(s.resident_id, s)
        residents = {r.pk: r for r in Resident.objects.filter(pk__in=first)}
        web = {s.resident_id for s in stories if s.channel == Channel.WEB}
        wanted = {rid for rid in first if rid in web or random.Random(f"{rid}").random() < 0.5}
        wanted = sorted(rid for rid in wanted if residents[rid].user_id is None)
        existing = {
            u.username: u
            for u in User.objects.filter(username__in=[f"resident-{rid}" for rid in wanted])
        }
        new = []
        for rid in wanted:
            resident = residents[rid]
            joined = first[rid].created - _m(first[rid].rng.uniform(1, 20))
            user = existing.get(f"resident-{rid}") or User(
                username=f"resident-{rid}",
                full_name=resident.name,
                password=make_password(None),
                date_joined=joined,
            )
            if user.pk is None:
                new.append(user)
            resident.user = user
            resident.consent_at = resident.consent_at or joined
        User.objects.bulk_create(new, batch_size=500)
        for rid in wanted:  # now that the new users have primary keys
            resident = residents[rid]
            resident.user = resident.user  # sets user_id, keeps the cached user
        Resident.objects.bulk_update(
            [residents[rid] for rid in wanted], ["user", "consent_at"], batch_size=500
        )
        for user in self.w.cast.users:
            scope_for(user)
        self.residents = residents
        for s in stories:
            if s.channel == Channel.WEB and residents[s.resident_id].user_id is None:
                s.channel = Channel.PHONE

    # -- running ------------------------------------------------------------------------------

    def run(self, stories: list[_Story]) -> None:
        for s in stories:
            s.gen = self._life(s)
            self._push(next(s.gen), STORY, s)
        while self.heap:
            at, _seq, kind, story = heapq.heappop(self.heap)
            self.clock = at
            if kind == TICK:
                self._escalate(at)
            else:
                self._resume(story, at)

    def _push(self, at, kind, story):
        heapq.heappush(self.heap, (at, next(self.seq), kind, story))

    def _resume(self, s: _Story, at: datetime) -> None:
        try:
            nxt = s.gen.send(at)
        except StopIteration:
            nxt = None
        if nxt is not None:
            nxt = max(nxt, at)
            if nxt > self.today:
                s.gen.close()
                nxt = None
            else:
                self._push(nxt, STORY, s)
        s.next_at = nxt
        self._watch(s)

    def _watch(self, s: _Story) -> None:
        """If the case will miss a clock before its next step, the worker will notice."""
        case = s.case
        if case is None or case.status not in OPEN_STATUSES:
            return
        due = case.next_escalation_at
        if due is None or (s.next_at is not None and s.next_at <= due):
            return
        tick = max(_ceil_minute(due), _ceil_minute(self.clock + timedelta(seconds=1)))
        if tick <= self.today and tick not in self.ticks:
            self.ticks.add(tick)
            self._push(tick, TICK, None)

    def _escalate(self, at: datetime) -> None:
        if not worker.escalate_due(now=at):
            return
        ids = CaseEvent.objects.filter(action=Action.ESCALATE, at=at).values_list(
            "case_id", flat=True
        )
        fields = ["version", "level", "escalation_count", "next_escalation_at", "updated_at"]
        rows = Case.objects.filter(pk__in=list(ids)).values("pk", "owner_unit_id", *fields)
        for row in rows:
            s = self.by_case[row["pk"]]
            for name in fields:
                setattr(s.case, name, row[name])
            s.case.owner_unit = self.w.units[row["owner_unit_id"]]
            self._watch(s)

    # -- one case's life ----------------------------------------------------------------------

    def _crew(self, case: Case) -> _Crew:
        cast = self.w.cast
        path, company = case.area_path, case.company_id

        def who(*roles, company_id=None):
            return cast.covering(area_path=path, company_id=company_id, roles=roles)

        return _Crew(
            desk=who(Role.PROPERTY_STAFF, Role.PROPERTY_MANAGER, company_id=company),
            tech=who(Role.TECHNICIAN, company_id=company),
            managers=who(Role.PROPERTY_MANAGER, company_id=company),
            grid=who(Role.MICROGRID_LEADER, Role.GRID_WORKER),
            community=who(Role.COMMUNITY_STAFF),
            secretary=who(Role.COMMUNITY_SECRETARY),
            subdistrict=who(Role.SUBDISTRICT_STAFF),
            partner=who(Role.PARTNER),
        )

    def _submit(self, s: _Story, t: datetime) -> Case:
        resident = self.residents[s.resident_id]
        household = s.household
        building = household.unit.building
        scope = s.tokens["scope"]
        if s.channel == Channel.WEB:
            creator = resident.user
        else:
            area = building.microgrid.path if scope != "spot" else s.estate.community.path
            crew = self.w.cast.covering(
                area_path=area,
                company_id=None,
                roles=(
                    (Role.MICROGRID_LEADER, Role.GRID_WORKER)
                    if s.channel == Channel.DOOR_KNOCK
                    else (Role.COMMUNITY_STAFF, Role.GRID_WORKER, Role.MICROGRID_LEADER)
                ),
            ) or self.w.cast.covering(
                area_path=area,
                company_id=None,
                roles=(Role.COMMUNITY_STAFF, Role.COMMUNITY_SECRETARY),
            )
            creator = s.rng.choice(crew) if crew else resident.user
            if creator is None:
                s.channel, creator = Channel.PHONE, None
        case = services.case_submit(
            item=s.item,
            description=s.tokens["description"],
            channel=s.channel,
            created_by=creator,
            estate=s.estate,
            resident=resident,
            building=building if scope != "spot" else None,
            household=household if scope == "home" else None,
            location_text=s.tokens["spot"] if scope == "spot" else "",
            preferred_time=s.preferred,
            now=t,
        )
        # Nothing is merged into a new case yet: spare the notifications that query.
        duplicates = Case.objects.filter(merged_into=case)
        duplicates._result_cache, duplicates._prefetch_done = [], True
        case._prefetched_objects_cache = {"duplicates": duplicates}
        s.case = case
        self.by_case[case.pk] = s
        self.created += 1
        return case

    def _life(self, s: _Story):
        """The generator of one case's steps: it yields when its next step is due and is
        resumed at that moment (with the time), in global time order."""
        t = yield s.created
        case = self._submit(s, t)
        rng = s.rng
        crew = self._crew(case)
        if s.fate == "fresh":
            return
        if s.fate == "unhandled":
            yield from self._unhandled(s, case, crew, t)
            return
        if s.primary is not None and crew.routers:
            t = yield t + _m(rng.uniform(15, 100))
            into = s.primary.case
            if into is not None and into.status in OPEN_STATUSES:
                router = rng.choice(crew.routers)
                services.case_merge(case=case, into=into, actor=router, now=t)
                into._prefetched_objects_cache["duplicates"]._result_cache.append(case)
                return
        yield from self._handle(s, case, crew, t)

    def _unhandled(self, s, case, crew, t):
        """Nobody in the demo works here: the ladder takes it up, the subdistrict presses."""
        rng = s.rng
        if not crew.subdistrict or rng.random() < 0.4:
            return
        boss = rng.choice(crew.subdistrict)
        t = yield _daytime(t + _h(rng.uniform(7, 30)), rng, start=9, end=18)
        services.case_supervise(
            case=case,
            actor=boss,
            due=t + _h(rng.choice([24, 48, 72])),
            note="请物业公司和社区尽快办结并回复居民",
            now=t,
        )
        if rng.random() < 0.5:
            t = yield t + _m(rng.uniform(5, 60))
            services.case_reply(
                case=case, actor=boss, text="街道已督办，已要求物业公司尽快上门处理", now=t
            )

    def _accept_at(self, s, case, t) -> datetime:
        rng = s.rng
        emergency = case.priority == Priority.EMERGENCY
        if not emergency and case.sla.response_unit in WORKING_UNITS:
            t = _daytime(t, rng)  # its clock waits for the morning, and so does the desk
        due = case.response_due or (t + (case.resolution_due - t) * 0.3)
        window = max((due - t).total_seconds() / 60, 2)
        if s.fate == "normal" and rng.random() < (0.05 if emergency else 0.03):
            return due + _m(rng.uniform(5, 40) if emergency else rng.uniform(10, 300))
        typical = rng.uniform(2, 20) if emergency else rng.triangular(4, 110, 20)
        if s.fate != "normal":
            typical = rng.uniform(3, 25)
        return t + _m(min(typical, window * rng.uniform(0.5, 0.95)))

    def _handle(self, s: _Story, case: Case, crew: _Crew, t: datetime):
        rng = s.rng
        item = s.item
        normal = s.fate == "normal"
        emergency = case.priority == Priority.EMERGENCY
        side = "company" if case.lead_party == Party.PROPERTY_COMPANY else "community"
        if side == "company" and not crew.desk:
            side = "community"
        routers = crew.routers

        # Routing before anyone signs for it.
        if (
            case.kind == Case.Kind.SERVICE_REQUEST
            and item.provider == Item.Provider.PROPERTY_COMPANY
            and crew.desk
            and crew.community
        ):
            t = yield t + _m(rng.uniform(5, 40))
            services.case_transfer(
                case=case,
                actor=rng.choice(crew.community),
                company=case.company,
                note="属于物业有偿维修服务，已转物业服务中心派单",
                now=t,
            )
            side = "company"
        elif (
            side == "company"
            and routers
            and (
                s.fate == "returned" or (normal and rng.random() < RETURNABLE.get(item.code, 0.01))
            )
        ):
            t = yield t + _m(rng.uniform(10, 90))
            reason = {
                "RB08": ReturnReason.OVERLAPPING_DUTIES,
                "RB13": ReturnReason.OVERLAPPING_DUTIES,
            }.get(item.code) or rng.choice(
                [
                    ReturnReason.OWNERSHIP_UNCLEAR,
                    ReturnReason.OWNERSHIP_UNCLEAR,
                    ReturnReason.WRONG_LOCATION,
                ]
            )
            services.case_return(
                case=case,
                actor=rng.choice(crew.desk),
                reason=reason,
                note=RETURN_NOTES[reason],
                now=t,
            )
            if s.fate == "returned":
                return
            t = yield _daytime(t + _h(rng.uniform(0.5, 20)), rng, start=8, end=18)
            to_community = rng.random() < (0.7 if item.code in ("RB08", "RB13", "RB26") else 0.3)
            services.case_rule_return(
                case=case,
                actor=rng.choice(routers),
                org_unit=s.estate.community if to_community else None,
                company=None if to_community else case.company,
                note="经研判由社区牵头处理，物业配合"
                if to_community
                else "经核实属于物业服务范围，请物业按时办结",
                now=t,
            )
            side = "community" if to_community else "company"

        handler, worker_ = self._handler(s, crew, side)
        if s.fate == "unaccepted":
            if crew.secretary:
                t = yield t + _h(rng.uniform(6, 8))
                services.case_supervise(
                    case=case,
                    actor=rng.choice(crew.secretary),
                    due=t + _h(24),
                    note="超时未受理，请立即受理并回复居民",
                    now=t,
                )
            return
        t = yield self._accept_at(s, case, t)
        services.case_accept(case=case, actor=handler, now=t)
        if s.fate == "accepted":
            return

        # A matter for the other side: passed on after signing for it.
        if (
            normal
            and side == "company"
            and crew.community
            and rng.random() < TRANSFERABLE.get(item.code, 0)
        ):
            t = yield t + _m(rng.uniform(10, 120))
            services.case_transfer(
                case=case,
                actor=handler,
                org_unit=s.estate.community,
                note="该问题属于邻里矛盾，需社区出面调解，已转社区",
                now=t,
            )
            side = "community"
            handler, worker_ = self._handler(s, crew, side)
            t = yield self._accept_at(s, case, t)
            services.case_accept(case=case, actor=handler, now=t)

        t = yield t + _m(rng.uniform(1, 10) if emergency else rng.uniform(5, 60))
        notes = CONTACT_NOTES["emergency" if emergency else side]
        services.case_first_contact(case=case, actor=handler, note=rng.choice(notes), now=t)

        # When the work is done: by the item's usual pace, the booked time, or late.
        if s.preferred is not None:
            finish = max(s.preferred, t + _h(1)) + _m(rng.uniform(30, 120))
        else:
            low, high = (0.5, 1.8) if emergency else APPEALS.get(item.code, (0, 0, 0, (2, 48)))[3]
            finish = s.created + _h(rng.uniform(low, high))
            if not emergency:
                finish = _daytime(finish, rng)
        if s.fate in ("reopened", "resolved"):
            finish = _daytime(s.created + _h(rng.uniform(3, 30)), rng)
            finish = min(finish, self.today - _h(FATE_AGE_HOURS[s.fate][0] - 30))
        late = normal and rng.random() < (0.1 if emergency else 0.03)
        if late:
            finish = case.resolution_due + (
                _m(rng.uniform(10, 90)) if emergency else _h(rng.uniform(2, 72))
            )
        elif finish >= case.resolution_due:
            finish = t + (case.resolution_due - t) * rng.uniform(0.5, 0.9)
        finish = max(finish, t + _m(20))

        # Dispatch to who does the work.
        if worker_ is not handler and worker_ is not None:
            t = yield t + min(_m(rng.uniform(5, 60)), (finish - t) * 0.3)
            services.case_assign(case=case, actor=handler, assignee=worker_, now=t)
        else:
            worker_ = handler

        # The middle of the work: replies, a whistle, an extension, supervision.
        kind = KIND_OF.get(item.code, "order")
        if case.kind == Case.Kind.SERVICE_REQUEST:
            kind = "service"
        elif side == "community":
            kind = "community"
        if rng.random() < 0.55 or s.fate in ("in_progress", "overdue"):
            t = yield t + (finish - t) * rng.uniform(0.1, 0.4)
            services.case_reply(case=case, actor=worker_, text=rng.choice(REPLY[kind]), now=t)
            resident = self.residents[s.resident_id]
            if resident.user and rng.random() < 0.15:
                t = yield t + min(_m(rng.uniform(5, 120)), (finish - t) * 0.3)
                services.case_resident_reply(
                    case=case, user=resident.user, text=rng.choice(RESIDENT_REPLIES), now=t
                )
        if normal and rng.random() < 0.08:
            t = yield t + (finish - t) * rng.uniform(0.1, 0.3)
            services.case_reply(
                case=case, actor=handler, text=rng.choice(INTERNAL_NOTES), public=False, now=t
            )
        if normal and crew.secretary and rng.random() < WHISTLE.get(item.code, 0):
            t = yield t + (finish - t) * rng.uniform(0.05, 0.2)
            services.case_whistle(
                case=case,
                actor=rng.choice(crew.secretary),
                units=[s.estate.community.parent or s.estate.community],
                note="吹哨报到：请街道综合执法中队、派出所到场联合处置",
                now=t,
            )
        if s.fate in ("in_progress", "overdue"):
            return
        if s.fate == "extension" or (
            normal and not emergency and case.resolution_due - t > _h(30) and rng.random() < 0.03
        ):
            t, finish = yield from self._extension(s, case, crew, worker_, t, finish)
            if s.fate == "extension":
                return
        if s.fate == "supervised" or (
            normal
            and crew.secretary
            and (case.escalation_count or finish - t > _h(48))
            and rng.random() < 0.25
        ):
            boss = crew.subdistrict if case.level >= 3 and crew.subdistrict else crew.secretary
            if boss:
                if s.fate == "supervised":
                    at = self.today - _h(rng.uniform(2, 20))
                else:
                    at = _daytime(t + (finish - t) * rng.uniform(0.2, 0.5), rng, 9, 18)
                t = yield max(at, t + _m(1))
                services.case_supervise(
                    case=case,
                    actor=rng.choice(boss),
                    due=t + _h(rng.choice([24, 48, 72])),
                    note=rng.choice(
                        ["请加快办理，按时办结并回复居民", "居民多次反映，请两日内办结"]
                    ),
                    now=t,
                )
            if s.fate == "supervised":
                return

        t = yield max(finish, t + _m(5))
        done = SERVICE_DONE.get(item.code) or (
            DONE.get(item.code, "已处理完毕").format(where=s.tokens["where"])
            if case.kind == Case.Kind.APPEAL
            else f"已按约定时间上门完成{item.name}服务，居民现场确认"
        )
        services.case_resolve(case=case, actor=worker_, note=done, now=t)
        if s.fate == "resolved":
            return
        yield from self._verdict(s, case, crew, side, handler, worker_, t)

    def _handler(self, s, crew, side):
        """Who signs for the case on this side, and who does the work."""
        rng = s.rng
        item = s.item
        if side == "company":
            desk = crew.desk
            staff = [u for u in desk if u not in crew.managers] or desk
            handler = rng.choice(staff) if rng.random() < 0.7 else rng.choice(desk)
            tech = crew.tech
            if tech and item.code in TECHNICAL and rng.random() < 0.8:
                return handler, rng.choice(tech)
            return handler, handler
        if crew.grid and rng.random() < 0.7:
            handler = rng.choice(crew.grid)
        else:
            handler = rng.choice(crew.community) if crew.community and rng.random() < 0.8 else None
            handler = handler or rng.choice(crew.secretary or crew.community or crew.grid)
        if (
            s.item.kind == Item.Kind.SERVICE
            and item.provider == Item.Provider.PARTNER
            and crew.partner
            and rng.random() < 0.8
        ):
            return handler, rng.choice(crew.partner)
        return handler, handler

    def _extension(self, s, case, crew, requester, t, finish):
        rng = s.rng
        at = t + (case.resolution_due - t) * rng.uniform(0.3, 0.8)
        if s.fate == "extension":
            at = max(t + _m(5), min(at, self.today - _h(rng.uniform(3, 20))))
        t = yield max(at, t + _m(1))
        if t >= case.resolution_due:
            return t, finish
        new_due = case.resolution_due + timedelta(days=rng.choice([3, 5, 7, 10]))
        extension = services.case_request_extension(
            case=case,
            actor=requester,
            reason=rng.choice(EXTENSION_REASONS),
            new_due=new_due,
            now=t,
        )
        if s.fate == "extension":
            return t, finish
        if requester in crew.managers or requester not in crew.desk + crew.tech:
            approvers = [u for u in crew.routers if u != requester]
        else:
            approvers = [u for u in crew.managers if u != requester]
        if not approvers:
            return t, finish
        t = yield t + _h(rng.uniform(0.5, 8))
        approve = rng.random() < 0.9
        services.case_decide_extension(
            extension=extension,
            actor=rng.choice(approvers),
            approve=approve,
            note="同意延期，请按新时限办结" if approve else "不同意延期，请抓紧办理",
            now=t,
        )
        if approve:
            finish = t + (new_due - t) * rng.uniform(0.3, 0.9)
        return t, max(finish, t + _m(30))

    def _verdict(self, s, case, crew, side, handler, worker_, t, *, round_=1):
        """The resident rates (or not), the community follows up, and a case may reopen."""
        rng = s.rng
        resident = self.residents[s.resident_id]
        routers = crew.routers
        rates = resident.user is not None and rng.random() < (0.84 if round_ == 1 else 0.7)
        if s.fate == "reopened":
            rates = True
        if not rates:
            # A reopened case keeps its first rating, so only a follow-up closes it.
            if routers and (round_ > 1 or rng.random() < 0.3):
                t = yield _daytime(t + _h(rng.uniform(20, 120)), rng, 9, 18)
                services.case_follow_up(
                    case=case,
                    actor=rng.choice(routers),
                    solved=True,
                    note="电话回访：居民表示问题已解决",
                    now=t,
                )
            # Else it closes by itself after the waiting period (as the worker's sweep does).
            wait = timedelta(days=settings.CASE_AUTO_CLOSE_DAYS) + _m(rng.uniform(1, 59))
            t = yield case.resolved_at + wait
            if case.status == Status.RESOLVED and not case.rating and not case.followup_needed:
                services.case_auto_close(case=case, now=t)
            return
        wait = rng.uniform(2, 30) if s.fate == "reopened" else rng.triangular(0.3, 150, 8)
        t = yield _daytime(t + _h(wait), rng, 7, 23)
        roll = rng.random()
        late = case.escalation_count > 0 or case.return_count > 0
        dissatisfied_p = 0.3 if late else 0.13
        if s.fate == "reopened":
            rating = Rating.DISSATISFIED
        elif round_ > 1:
            rating = rng.choices(
                [Rating.SATISFIED, Rating.BASIC, Rating.DISSATISFIED], [55, 35, 10]
            )[0]
        elif roll < dissatisfied_p:
            rating = Rating.DISSATISFIED
        else:
            rating = Rating.SATISFIED if rng.random() < 0.82 else Rating.BASIC
        reopen = (
            rating == Rating.DISSATISFIED
            and round_ == 1
            and (s.fate == "reopened" or rng.random() < 0.3)
        )
        tags = rng.sample(TAGS[rating], rng.randint(0, 2))
        services.case_rate(
            case=case,
            user=resident.user,
            rating=rating,
            comment=rng.choice(COMMENTS[rating]),
            tags=tags,
            reopen=reopen,
            now=t,
        )
        if s.fate == "reopened" or rating != Rating.DISSATISFIED:
            return
        if not reopen:
            if not routers:
                return
            t = yield _daytime(t + _h(rng.uniform(2, 48)), rng, 9, 18)
            solved = round_ > 1 or rng.random() < 0.55
            services.case_follow_up(
                case=case,
                actor=rng.choice(routers),
                solved=solved,
                note="电话回访：居民表示已解释清楚，问题已解决"
                if solved
                else "电话回访：居民反映问题仍未彻底解决，已要求重新办理",
                now=t,
            )
            if solved:
                return
            t = yield t + _m(rng.uniform(5, 60))
            reopener = handler if side == "company" else rng.choice(routers)
            services.case_reopen(
                case=case, user=reopener, reason="居民反映问题仍未解决，重新办理", now=t
            )
        # The second round: sign for it again, call back, fix it properly.
        t = yield _daytime(t + _m(rng.triangular(10, 240, 40)), rng, 8, 21)
        services.case_accept(case=case, actor=handler, now=t)
        t = yield t + _m(rng.uniform(5, 60))
        services.case_first_contact(
            case=case, actor=handler, note="已再次联系居民，约定重新上门处理", now=t
        )
        finish = t + (case.resolution_due - t) * rng.uniform(0.05, 0.4)
        t = yield _daytime(max(finish, t + _m(30)), rng)
        services.case_resolve(
            case=case,
            actor=worker_ if worker_ in crew.desk + crew.tech + crew.grid else handler,
            note="已重新上门彻底处理，并请居民现场确认",
            now=t,
        )
        yield from self._verdict(s, case, crew, side, handler, worker_, t, round_=2)


def _tidy(today: datetime) -> None:
    """History has been delivered and read: no backlog of old messages on the first run."""
    OutboxMessage.objects.filter(
        state=OutboxMessage.State.PENDING, created_at__lt=today - timedelta(days=1)
    ).update(state=OutboxMessage.State.SENT, sent_at=F("created_at"), attempts=1)
    Notification.objects.filter(
        read_at__isnull=True, created_at__lt=today - timedelta(days=7)
    ).update(read_at=F("created_at"))


def seed_cases(*, seed: int = 20261126, count: int = 3500, today: datetime | None = None) -> int:
    """Create about `count` cases over the twelve months before `today`; return how many.

    Needs the demo community (`seed_structure`, `seed_residents`, `catalogue_load_seed`).
    Does nothing (returns 0) if any case exists already.
    """
    if Case.objects.exists():
        return 0
    today = timezone.localtime(today or timezone.now())
    with transaction.atomic():
        world = _World()
        if not world.ready:
            return 0
        simulation = _Simulation(world, random.Random(seed), today)
        stories = simulation.plan(count)
        if not stories:
            return 0
        simulation.accounts(stories)
        with notify.batched():
            simulation.run(stories)
        _tidy(today)
        return simulation.created

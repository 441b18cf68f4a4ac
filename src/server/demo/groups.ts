/**
 * Demo groups for `npm start`: real-sounding groups in several cities, each with threads and
 * replies written the way people in such groups talk. Owner and repliers are demo usernames.
 */
export interface DemoGroup {
  owner: string;
  name: string;
  description: string;
  city: string | null;
  interestIds: string[];
  visibility: 'public' | 'approval';
  members: string[];
  threads: { author: string; title: string; body: string; replies: [string, string][] }[];
}

export const demoGroups: DemoGroup[] = [
  {
    owner: 'xiaoming',
    name: '上海周末徒步群',
    description: '每周六从市区出发，去佘山、天马山、崇明或浙江近郊徒步。新手友好，量力而行。',
    city: '上海',
    interestIds: ['hiking', 'camping'],
    visibility: 'public',
    members: ['liuyang', 'meimei', 'chenjing'],
    threads: [
      {
        author: 'xiaoming',
        title: '本周六佘山爬山，有人一起吗？',
        body: '周六早上 8 点地铁 9 号线佘山站集合，**全程约 10 公里**，预计下午 3 点结束。\n\n- 带够水和午饭\n- 穿防滑的鞋\n\n想来的在下面回复一下~',
        replies: [
          ['liuyang', '算我一个！上次去天马山没爬过瘾。'],
          ['meimei', '新手能跟上吗？平时只在西湖边跑跑步。'],
          ['xiaoming', '@meimei 完全可以，佘山不高，我们会照顾节奏的。'],
        ],
      },
      {
        author: 'liuyang',
        title: '推荐几双适合爬山的鞋',
        body: '最近想换一双徒步鞋，预算 800 以内，大家有什么推荐？主要走上海周边的山和古道。',
        replies: [
          ['chenjing', '我穿的是中帮防水款，走古道很稳，下雨也不怕。'],
          ['xiaoming', '近郊低海拔的话低帮就够了，轻一点更舒服。'],
        ],
      },
    ],
  },
  {
    owner: 'meimei',
    name: '杭州西湖晨跑团',
    description: '每天早上 6:30 断桥出发，环西湖一圈约 10 公里。配速不限，跑完一起喝咖啡。',
    city: '杭州',
    interestIds: ['running', 'coffee'],
    visibility: 'public',
    members: ['zhaolei', 'xiaoming'],
    threads: [
      {
        author: 'meimei',
        title: '明早断桥集合，下雨照跑',
        body: '天气预报说明早小雨，我们照常出发，雨大就改走北山街那段。跑完去湖滨喝咖啡☕',
        replies: [
          ['zhaolei', '带娃的话能不能走一半？'],
          ['meimei', '可以的，苏堤那段平，推车也能走。'],
        ],
      },
      {
        author: 'zhaolei',
        title: '第一次跑完半马，分享一下配速安排',
        body: '前 10 公里控制在 6 分配速，后面慢慢提。补给每 5 公里喝一次水，最后 3 公里真的是靠意志力。',
        replies: [['meimei', '太棒了！下次杭马一起报名吧🎉']],
      },
    ],
  },
  {
    owner: 'zhangwei',
    name: '北京朝阳羽毛球约球',
    description: '工作日晚上和周末在朝阳区的球馆约球，水平中等偏上，AA 场地费。',
    city: '北京',
    interestIds: ['badminton', 'fitness'],
    visibility: 'public',
    members: ['sunli', 'liuyang'],
    threads: [
      {
        author: 'zhangwei',
        title: '周三晚上 7 点，还差两个人',
        body: '已经订了两片场地，7 点到 9 点，目前 6 个人，还差两个。**场地费 AA 每人 40**，球我带。',
        replies: [
          ['sunli', '我可以！下班直接过去。'],
          ['liuyang', '+1，不过可能晚到半小时。'],
        ],
      },
      {
        author: 'sunli',
        title: '反手总是打不远，怎么练？',
        body: '反手高远球一直打不到底线，是发力的问题还是握拍的问题？',
        replies: [['zhangwei', '先检查握拍，反手要用拇指顶住拍柄，再练转腕发力。']],
      },
    ],
  },
  {
    owner: 'wangfang',
    name: '深圳南山桌游夜',
    description: '每周五晚在南山的桌游吧开局，阿瓦隆、狼人杀、卡坦岛都玩，新人来了有人教。',
    city: '深圳',
    interestIds: ['board-games', 'murder-mystery'],
    visibility: 'public',
    members: ['chenjing', 'liuyang'],
    threads: [
      {
        author: 'wangfang',
        title: '周五局：卡坦岛 + 阿瓦隆',
        body: '周五晚上 7 点半开始，先来两局卡坦岛，人多了就开阿瓦隆。地点还是海岸城那家。',
        replies: [
          ['chenjing', '我周五出差回来，赶得上第二局。'],
          ['liuyang', '带朋友可以吗？他完全没玩过。'],
          ['wangfang', '当然可以，我来教规则。'],
        ],
      },
    ],
  },
  {
    owner: 'chenjing',
    name: '成都美食探店小分队',
    description: '藏在巷子里的苍蝇馆子、新开的川菜馆，每周末去一家，吃完写点评。',
    city: '成都',
    interestIds: ['food-exploring', 'photography'],
    visibility: 'public',
    members: ['wangfang', 'meimei', 'xiaoming'],
    threads: [
      {
        author: 'chenjing',
        title: '玉林路这家冒菜真的绝',
        body: '周六去了玉林路一家开了二十年的冒菜，**牛肉和毛肚特别嫩**，人均 50。排队半小时，值得。',
        replies: [
          ['meimei', '看得我好饿，下次来成都一定去！'],
          ['wangfang', '求店名！'],
        ],
      },
      {
        author: 'chenjing',
        title: '这周日去吃火锅，AA 制',
        body: '周日晚上 6 点，九眼桥附近的老火锅，预计人均 120，吃完 AA。想来的报个名~',
        replies: [['xiaoming', '报名！不太能吃辣，点个鸳鸯锅吧。']],
      },
    ],
  },
  {
    owner: 'liuyang',
    name: '上海程序员骑行俱乐部',
    description: '写代码的人也要运动。周末骑滨江、环淀山湖，偶尔聊聊技术。',
    city: '上海',
    interestIds: ['cycling', 'programming'],
    visibility: 'approval',
    members: ['xiaoming', 'zhangwei'],
    threads: [
      {
        author: 'liuyang',
        title: '周日环淀山湖 60 公里',
        body: '周日早上 7 点朱家角集合，环湖一圈约 60 公里，中途在金泽古镇休息。**必须戴头盔**。',
        replies: [
          ['xiaoming', '我的公路车刚保养完，正好试试。'],
          ['zhangwei', '出差在上海，能借车吗？'],
        ],
      },
    ],
  },
  {
    owner: 'zhaolei',
    name: '杭州亲子露营',
    description: '带娃露营、观星、玩泥巴。每月一次，地点在杭州周边的营地。',
    city: '杭州',
    interestIds: ['family-outings', 'camping'],
    visibility: 'public',
    members: ['meimei', 'sunli'],
    threads: [
      {
        author: 'zhaolei',
        title: '下个月去安吉露营，营地推荐？',
        body: '孩子 5 岁，想找一个有草坪、能洗澡的营地，最好有小溪可以玩水。',
        replies: [
          ['meimei', '安吉的竹林营地不错，晚上还能看星星。'],
          ['sunli', '记得带防蚊液，竹林蚊子多。'],
        ],
      },
    ],
  },
  {
    owner: 'sunli',
    name: '北京书法与瑜伽',
    description: '周末上午练瑜伽，下午临帖。慢下来，静下心。',
    city: '北京',
    interestIds: ['calligraphy', 'yoga'],
    visibility: 'public',
    members: ['zhangwei'],
    threads: [
      {
        author: 'sunli',
        title: '新手从哪本字帖开始？',
        body: '大家推荐从楷书开始，我在临《多宝塔碑》，感觉很难把握笔画的起收。',
        replies: [['zhangwei', '可以先练基本笔画，一个横画练一周，慢慢就稳了。']],
      },
    ],
  },
  {
    owner: 'wangfang',
    name: '全国烘焙爱好者',
    description: '分享配方、失败经验和成品照片。不限城市，线上交流为主。',
    city: null,
    interestIds: ['baking', 'cooking'],
    visibility: 'public',
    members: ['meimei', 'chenjing', 'zhaolei'],
    threads: [
      {
        author: 'wangfang',
        title: '戚风蛋糕总是回缩怎么办',
        body: '按配方做的 6 寸戚风，出炉倒扣后还是回缩，是不是蛋白没打好？',
        replies: [
          ['meimei', '可能是烤的时间不够，中心没熟透。'],
          ['chenjing', '蛋白打到硬性发泡，提起打蛋器有小尖角才行。'],
        ],
      },
    ],
  },
];

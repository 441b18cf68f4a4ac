/**
 * The interest taxonomy, shipped as data: categories with their interests, each named in zh-CN
 * and en. Ids are stable slugs: clients and stored weights refer to them, so never rename one;
 * add new ones instead. Synced into the database at start-up (insert new, update names).
 */
export interface TaxonomyCategory {
  id: string;
  zh: string;
  en: string;
  interests: [id: string, zh: string, en: string][];
}

export const taxonomy: TaxonomyCategory[] = [
  {
    id: 'sports',
    zh: '运动健身',
    en: 'Sports & Fitness',
    interests: [
      ['badminton', '羽毛球', 'Badminton'],
      ['basketball', '篮球', 'Basketball'],
      ['football', '足球', 'Football'],
      ['table-tennis', '乒乓球', 'Table tennis'],
      ['tennis', '网球', 'Tennis'],
      ['running', '跑步', 'Running'],
      ['swimming', '游泳', 'Swimming'],
      ['yoga', '瑜伽', 'Yoga'],
      ['fitness', '健身', 'Gym & fitness'],
      ['frisbee', '飞盘', 'Ultimate frisbee'],
    ],
  },
  {
    id: 'outdoors',
    zh: '户外',
    en: 'Outdoors',
    interests: [
      ['hiking', '徒步登山', 'Hiking'],
      ['camping', '露营', 'Camping'],
      ['cycling', '骑行', 'Cycling'],
      ['climbing', '攀岩', 'Climbing'],
      ['fishing', '钓鱼', 'Fishing'],
      ['skiing', '滑雪', 'Skiing'],
      ['birdwatching', '观鸟', 'Birdwatching'],
    ],
  },
  {
    id: 'arts',
    zh: '艺术手作',
    en: 'Arts & Crafts',
    interests: [
      ['photography', '摄影', 'Photography'],
      ['painting', '绘画', 'Painting'],
      ['calligraphy', '书法', 'Calligraphy'],
      ['handicraft', '手工', 'Handicrafts'],
      ['pottery', '陶艺', 'Pottery'],
      ['film', '电影', 'Film'],
      ['theatre', '话剧', 'Theatre'],
    ],
  },
  {
    id: 'music',
    zh: '音乐',
    en: 'Music',
    interests: [
      ['guitar', '吉他', 'Guitar'],
      ['piano', '钢琴', 'Piano'],
      ['singing', '唱歌', 'Singing'],
      ['concerts', '演唱会', 'Concerts'],
      ['chinese-instruments', '民乐', 'Chinese instruments'],
      ['dance', '舞蹈', 'Dance'],
    ],
  },
  {
    id: 'food',
    zh: '美食',
    en: 'Food & Drink',
    interests: [
      ['cooking', '烹饪', 'Cooking'],
      ['baking', '烘焙', 'Baking'],
      ['coffee', '咖啡', 'Coffee'],
      ['tea', '茶艺', 'Tea'],
      ['food-exploring', '探店', 'Trying restaurants'],
      ['wine', '品酒', 'Wine tasting'],
    ],
  },
  {
    id: 'games',
    zh: '游戏棋牌',
    en: 'Games',
    interests: [
      ['board-games', '桌游', 'Board games'],
      ['murder-mystery', '剧本杀', 'Murder-mystery games'],
      ['go', '围棋', 'Go'],
      ['chess', '国际象棋', 'Chess'],
      ['video-games', '电子游戏', 'Video games'],
      ['mahjong', '麻将', 'Mahjong'],
    ],
  },
  {
    id: 'tech',
    zh: '科技数码',
    en: 'Technology',
    interests: [
      ['programming', '编程', 'Programming'],
      ['ai', '人工智能', 'Artificial intelligence'],
      ['gadgets', '数码产品', 'Gadgets'],
      ['robotics', '机器人', 'Robotics'],
      ['astronomy', '天文', 'Astronomy'],
    ],
  },
  {
    id: 'learning',
    zh: '学习成长',
    en: 'Learning',
    interests: [
      ['reading', '读书', 'Reading'],
      ['languages', '外语', 'Languages'],
      ['writing', '写作', 'Writing'],
      ['history', '历史', 'History'],
      ['investing', '理财', 'Personal finance'],
      ['public-speaking', '演讲', 'Public speaking'],
    ],
  },
  {
    id: 'pets',
    zh: '宠物',
    en: 'Pets',
    interests: [
      ['dogs', '狗狗', 'Dogs'],
      ['cats', '猫咪', 'Cats'],
      ['aquarium', '水族', 'Aquariums'],
      ['pet-rescue', '流浪动物救助', 'Animal rescue'],
    ],
  },
  {
    id: 'parenting',
    zh: '亲子',
    en: 'Parenting',
    interests: [
      ['family-outings', '亲子出游', 'Family outings'],
      ['early-education', '早教', 'Early education'],
      ['kids-sports', '少儿运动', 'Kids sports'],
      ['picture-books', '绘本', 'Picture books'],
    ],
  },
  {
    id: 'travel',
    zh: '旅行',
    en: 'Travel',
    interests: [
      ['city-walks', '城市漫步', 'City walks'],
      ['road-trips', '自驾游', 'Road trips'],
      ['backpacking', '背包旅行', 'Backpacking'],
      ['museums', '博物馆', 'Museums'],
      ['heritage', '古镇古迹', 'Heritage sites'],
    ],
  },
  {
    id: 'community',
    zh: '公益社交',
    en: 'Community',
    interests: [
      ['volunteering', '志愿服务', 'Volunteering'],
      ['environment', '环保', 'Environment'],
      ['making-friends', '交友', 'Making friends'],
      ['gardening', '园艺', 'Gardening'],
    ],
  },
];

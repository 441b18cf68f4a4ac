/** Demo people for `npm start`: Chinese names, home cities and interests. Password for all. */
export const DEMO_PASSWORD = 'quanzi-demo-2026';
/** Every demo account's 6-digit payment PIN. */
export const DEMO_PIN = '135790';

/** The demo operator (users.role = 'operator'): the console at /operator. */
export const DEMO_OPERATOR = { username: 'yunying', displayName: '圈子运营' } as const;

export const demoUsers = [
  {
    username: 'xiaoming',
    displayName: '李小明',
    homeCity: '上海',
    bio: '周末爱爬山，偶尔拍拍照。',
    interests: ['hiking', 'photography', 'camping'],
  },
  {
    username: 'meimei',
    displayName: '韩梅梅',
    homeCity: '杭州',
    bio: '西湖边跑步的咖啡爱好者。',
    interests: ['running', 'coffee', 'reading'],
  },
  {
    username: 'zhangwei',
    displayName: '张伟',
    homeCity: '北京',
    bio: '羽毛球打了十年，欢迎约球。',
    interests: ['badminton', 'table-tennis', 'fitness'],
  },
  {
    username: 'wangfang',
    displayName: '王芳',
    homeCity: '深圳',
    bio: '烘焙和桌游是我的快乐源泉。',
    interests: ['baking', 'board-games', 'murder-mystery'],
  },
  {
    username: 'chenjing',
    displayName: '陈静',
    homeCity: '成都',
    bio: '喜欢美食探店，也爱摄影。',
    interests: ['food-exploring', 'photography', 'tea'],
  },
  {
    username: 'liuyang',
    displayName: '刘洋',
    homeCity: '上海',
    bio: '程序员，周末骑行。',
    interests: ['programming', 'cycling', 'ai'],
  },
  {
    username: 'zhaolei',
    displayName: '赵磊',
    homeCity: '杭州',
    bio: '带娃出游，顺便露营。',
    interests: ['family-outings', 'camping', 'picture-books'],
  },
  {
    username: 'sunli',
    displayName: '孙丽',
    homeCity: '北京',
    bio: '瑜伽老师，也在学书法。',
    interests: ['yoga', 'calligraphy', 'museums'],
  },
] as const;

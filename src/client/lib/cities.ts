/** Cities offered where a place is picked from a list (home city, the city picker). */
export const CITIES = [
  { id: '上海', en: 'Shanghai', lat: 31.2304, lng: 121.4737 },
  { id: '北京', en: 'Beijing', lat: 39.9042, lng: 116.4074 },
  { id: '广州', en: 'Guangzhou', lat: 23.1291, lng: 113.2644 },
  { id: '深圳', en: 'Shenzhen', lat: 22.5431, lng: 114.0579 },
  { id: '杭州', en: 'Hangzhou', lat: 30.2741, lng: 120.1551 },
  { id: '成都', en: 'Chengdu', lat: 30.5728, lng: 104.0668 },
  { id: '南京', en: 'Nanjing', lat: 32.0603, lng: 118.7969 },
  { id: '武汉', en: 'Wuhan', lat: 30.5928, lng: 114.3055 },
  { id: '西安', en: "Xi'an", lat: 34.3416, lng: 108.9398 },
  { id: '重庆', en: 'Chongqing', lat: 29.563, lng: 106.5516 },
] as const;
